package io.kymux.server.tls;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * The names and addresses a self-signed certificate of this machine is issued for: what a
 * viewer may type into the address bar. IP addresses are kept in their textual form.
 */
public record MachineNames(Set<String> dnsNames, Set<String> ips) {

    public static final MachineNames LOOPBACK = new MachineNames(Set.of("localhost"), Set.of("127.0.0.1", "::1"));

    public MachineNames {
        dnsNames = Collections.unmodifiableSet(new TreeSet<>(dnsNames));
        Set<String> canonical = new TreeSet<>();
        ips.forEach(a -> canonical.add(normaliseIp(a)));
        ips = Collections.unmodifiableSet(canonical);
    }

    /** localhost, the host name, and every address of every interface that is up (link-local IPv6 left out). */
    public static MachineNames ofThisMachine() {
        Set<String> dns = new TreeSet<>(LOOPBACK.dnsNames);
        Set<String> ips = new TreeSet<>(LOOPBACK.ips);
        try {
            String host = InetAddress.getLocalHost().getHostName();
            if (!host.isBlank() && !host.matches("[0-9.:]+")) {
                dns.add(host);
            }
        } catch (UnknownHostException e) {
            // no resolvable host name: addresses still work
        }
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (!a.isLinkLocalAddress()) {
                        ips.add(text(a));
                    }
                }
            }
        } catch (SocketException e) {
            // interfaces unreadable: loopback and the host name are still named
        }
        return new MachineNames(dns, ips);
    }

    /** These names plus {@code other}'s. */
    public MachineNames plus(MachineNames other) {
        Set<String> dns = new TreeSet<>(dnsNames);
        dns.addAll(other.dnsNames);
        Set<String> ip = new TreeSet<>(ips);
        ip.addAll(other.ips);
        return new MachineNames(dns, ip);
    }

    /** The names a certificate's subject alternative names give. */
    public static MachineNames of(X509Certificate cert) {
        Set<String> dns = new TreeSet<>();
        Set<String> ip = new TreeSet<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            for (List<?> san : sans == null ? List.<List<?>>of() : sans) {
                int type = (Integer) san.get(0);
                String value = String.valueOf(san.get(1));
                if (type == GeneralName.dNSName) {
                    dns.add(value);
                } else if (type == GeneralName.iPAddress) {
                    ip.add(normaliseIp(value));
                }
            }
        } catch (CertificateParsingException e) {
            // unreadable: covers nothing, so it is reissued
        }
        return new MachineNames(dns, ip);
    }

    /** Whether every one of {@code other}'s names is among these. */
    public boolean covers(MachineNames other) {
        return dnsNames.containsAll(other.dnsNames) && ips.containsAll(other.ips);
    }

    GeneralNames asGeneralNames() {
        List<GeneralName> out = new java.util.ArrayList<>();
        dnsNames.forEach(n -> out.add(new GeneralName(GeneralName.dNSName, n)));
        ips.forEach(a -> out.add(new GeneralName(GeneralName.iPAddress, a)));
        return new GeneralNames(out.toArray(GeneralName[]::new));
    }

    private static String normaliseIp(String literal) {
        try {
            return text(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return literal;
        }
    }

    /** An address as text, without an IPv6 scope. */
    private static String text(InetAddress a) {
        String s = a.getHostAddress();
        int scope = s.indexOf('%');
        return scope < 0 ? s : s.substring(0, scope);
    }
}
