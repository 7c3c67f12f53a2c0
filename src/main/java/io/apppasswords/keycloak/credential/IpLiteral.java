package io.apppasswords.keycloak.credential;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Accepts an IPv4 or IPv6 literal from an untrusted string, without ever resolving a host name. A port may
 * follow, as Dovecot sends it ({@code 203.0.113.7:51234}, {@code [2001:db8::7]:51234}); it is dropped.
 */
public final class IpLiteral {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    /** Hex groups and colons, optionally ending in a dotted IPv4 part; InetAddress checks the rest. */
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern IPV4_PORT = Pattern.compile("([0-9.]{7,15}):\\d{1,5}");
    private static final Pattern IPV6_PORT = Pattern.compile("\\[([0-9A-Fa-f:.]{2,45})]:\\d{1,5}");

    private IpLiteral() {
    }

    /** The address in its canonical text form, or {@code null} if {@code value} is not exactly one IP literal. */
    public static String parse(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        Matcher withPort = IPV4_PORT.matcher(v);
        if (withPort.matches() || (withPort = IPV6_PORT.matcher(v)).matches()) {
            v = withPort.group(1);
        }
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
