package io.apppasswords.keycloak.credential;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 192.0.2.0/24}, {@code 2001:db8::/32}); a bare address is
 * a network of one. Parsed without ever resolving a name; the text is kept canonical (host bits cleared), so
 * equal networks compare equal.
 */
public record IpNetwork(byte[] prefix, int bits) {

    /** The most networks one app password may list: each login compares them all. */
    public static final int MAX_PER_APP_PASSWORD = 20;

    private static final Pattern CIDR = Pattern.compile("([0-9A-Fa-f:.]{2,45})(?:/(\\d{1,3}))?");

    /** The network {@code text} names, or {@code null} if it is not one. */
    public static IpNetwork parse(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = CIDR.matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        byte[] address = literal(m.group(1));
        if (address == null) {
            return null;
        }
        int max = address.length * 8;
        int bits = m.group(2) == null ? max : Integer.parseInt(m.group(2));
        if (bits > max) {
            return null;
        }
        for (int i = 0; i < address.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            address[i] &= (byte) (0xff << (8 - keep));
        }
        return new IpNetwork(address, bits);
    }

    /**
     * The canonical networks of a request, duplicates dropped; {@code null} or empty for none.
     *
     * @throws AppPasswordException {@link AppPasswordError#NETWORK_INVALID} for anything that is not a network,
     *                              {@link AppPasswordError#NETWORKS_TOO_MANY} for more than {@link #MAX_PER_APP_PASSWORD}
     */
    public static List<String> checkAll(List<String> texts) {
        if (texts == null) {
            return null;
        }
        LinkedHashSet<String> canonical = new LinkedHashSet<>();
        for (String text : texts) {
            if (text == null || text.isBlank()) {
                continue;
            }
            IpNetwork network = parse(text);
            if (network == null) {
                throw new AppPasswordException(AppPasswordError.NETWORK_INVALID, text.length() > 60 ? text.substring(0, 60) : text);
            }
            canonical.add(network.toString());
        }
        if (canonical.size() > MAX_PER_APP_PASSWORD) {
            throw new AppPasswordException(AppPasswordError.NETWORKS_TOO_MANY, MAX_PER_APP_PASSWORD);
        }
        return canonical.isEmpty() ? null : new ArrayList<>(canonical);
    }

    /** Whether {@code ip} (an IP literal) lies in one of {@code networks}; never for a {@code null} IP. */
    public static boolean anyContains(List<String> networks, String ip) {
        byte[] address = ip == null ? null : literal(ip);
        if (address == null) {
            return false;
        }
        for (String text : networks) {
            IpNetwork network = parse(text);
            if (network != null && network.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private boolean contains(byte[] address) {
        if (address.length != prefix.length) {
            return false;
        }
        for (int i = 0; i < address.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            int mask = (0xff << (8 - keep)) & 0xff;
            if ((address[i] & mask) != (prefix[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** The address bytes of an IP literal (an IPv4-mapped IPv6 address as IPv4), {@code null} for anything else. */
    private static byte[] literal(String text) {
        String ip = IpLiteral.parse(text);
        if (ip == null || ip.contains("[")) {
            return null;
        }
        try {
            return InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** {@code 192.0.2.0/24}; IPv6 in RFC 5952's short form ({@code 2001:db8::/32}). */
    @Override
    public String toString() {
        if (prefix.length == 4) {
            return (prefix[0] & 0xff) + "." + (prefix[1] & 0xff) + "." + (prefix[2] & 0xff) + "." + (prefix[3] & 0xff)
                    + "/" + bits;
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (prefix[2 * i] & 0xff) << 8 | prefix[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text + "/" + bits;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpNetwork other && other.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
