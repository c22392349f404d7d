package dev.skep.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An app's HTTPS certificates, by domain, kept in its "certificates" document; the routers choose them by
 * SNI. The key sits in the state (ZooKeeper, under skep's ACL) and never leaves it through the API.
 */
public record AppCertificates(List<Entry> certificates) {

    public static final String DOCUMENT = "certificates";
    /** A certificate document stays well under the state's node size limit. */
    public static final int MAX_PER_APP = 20;
    public static final AppCertificates NONE = new AppCertificates(List.of());

    /**
     * One certificate as uploaded, with what was read from it at upload time.
     *
     * @param domain   the host it serves ("shop.example.com" or "*.example.com")
     * @param certPem  the PEM certificate chain, leaf first
     * @param keyPem   the unencrypted PKCS#8 PEM key
     */
    public record Entry(String domain, String certPem, String keyPem, String subject, List<String> sans,
                        Instant notAfter, Instant added) {
        public Entry {
            if (domain == null || certPem == null || keyPem == null) {
                throw new IllegalArgumentException("a certificate needs a domain, a certificate and a key");
            }
            sans = sans == null ? List.of() : List.copyOf(sans);
        }
    }

    public AppCertificates {
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
    }

    /** These certificates with {@code entry} added, or replacing the one of its domain. */
    public AppCertificates with(Entry entry) {
        List<Entry> next = new ArrayList<>(without(entry.domain()).certificates);
        next.add(entry);
        return new AppCertificates(next);
    }

    public AppCertificates without(String domain) {
        return new AppCertificates(certificates.stream().filter(e -> !e.domain().equals(domain)).toList());
    }

    public boolean has(String domain) {
        return certificates.stream().anyMatch(e -> e.domain().equals(domain));
    }
}
