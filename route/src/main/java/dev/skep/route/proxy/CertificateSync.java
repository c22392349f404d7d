package dev.skep.route.proxy;

import dev.skep.route.CertificatePem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the SNI certificates that came from the state in step with it: adds new and changed ones,
 * removes those gone, leaves the default and certificates added by hand alone. Building a TLS context
 * costs a few milliseconds, so unchanged certificates are not rebuilt. Called by one feed thread.
 */
public final class CertificateSync {

    private static final Logger log = LoggerFactory.getLogger(CertificateSync.class);

    private final Certificates certificates;
    private Map<String, CertificatePem> applied = Map.of();

    public CertificateSync(Certificates certificates) {
        this.certificates = certificates;
    }

    /** Makes the state's certificates (domain to PEM) the ones served; a certificate that cannot be used is logged. */
    public synchronized void apply(Map<String, CertificatePem> wanted) {
        Map<String, CertificatePem> now = new HashMap<>();
        for (Map.Entry<String, CertificatePem> e : wanted.entrySet()) {
            String domain = e.getKey();
            CertificatePem pem = e.getValue();
            if (pem.equals(applied.get(domain))) {
                now.put(domain, pem);
                continue;
            }
            try {
                certificates.add(domain, pem.cert(), pem.key());
                now.put(domain, pem);
                log.info("event=route.certificate-loaded domain={}", domain);
            } catch (IllegalArgumentException ex) {
                log.error("event=route.certificate-unusable domain={} error=\"{}\" effect=\"{}\"", domain,
                        ex.getMessage(), applied.containsKey(domain) ? "the previous certificate keeps serving"
                                : "the default certificate serves it");
                if (applied.containsKey(domain)) {
                    now.put(domain, applied.get(domain));
                }
            }
        }
        for (String domain : applied.keySet()) {
            if (!now.containsKey(domain)) {
                certificates.remove(domain);
                log.info("event=route.certificate-removed domain={}", domain);
            }
        }
        applied = Map.copyOf(now);
    }
}
