package io.apppasswords.keycloak.authenticator;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Accepts an IPv4 or IPv6 literal from an untrusted string, without ever resolving a host name. */
final class IpLiteral {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    /** Hex groups and colons, optionally ending in a dotted IPv4 part; InetAddress checks the rest. */
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private IpLiteral() {
    }

    /** The address in its canonical text form, or {@code null} if {@code value} is not exactly one IP literal. */
    static String parse(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (IPV4.matcher(v).matches()) {
            return v;
        }
        // A colon makes InetAddress treat the text as an IPv6 literal: it is parsed, never looked up.
        if (v.indexOf(':') < 0 || !IPV6_CHARS.matcher(v).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(v).getHostAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
