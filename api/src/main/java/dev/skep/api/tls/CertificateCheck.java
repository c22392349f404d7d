package dev.skep.api.tls;

import dev.skep.model.SkepException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks an uploaded HTTPS certificate before it is stored: the chain parses, the key is an unencrypted PKCS#8
 * key that belongs to the leaf, the leaf names the domain (a wildcard name covers one label), and it is valid
 * now. Every refusal is UNPROCESSABLE (422) or BAD_REQUEST (400) saying what to fix.
 */
public final class CertificateCheck {

    /** What was read from an accepted certificate. */
    public record Checked(String subject, List<String> sans, Instant notAfter) {
    }

    private static final Pattern KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final int SAN_DNS = 2;

    private CertificateCheck() {
    }

    public static Checked check(String domain, String certPem, String keyPem, Instant now) {
        if (certPem == null || certPem.isBlank() || keyPem == null || keyPem.isBlank()) {
            throw SkepException.badRequest("a certificate needs \"cert\" and \"key\"",
                    "send {\"cert\": \"-----BEGIN CERTIFICATE-----...\", \"key\": \"-----BEGIN PRIVATE KEY-----...\"}");
        }
        List<X509Certificate> chain = chain(certPem);
        X509Certificate leaf = chain.get(0);
        PrivateKey key = key(keyPem, leaf.getPublicKey().getAlgorithm());
        requireMatch(leaf, key);
        List<String> sans = dnsNames(leaf);
        if (sans.stream().noneMatch(san -> covers(san, domain))) {
            throw refused("the certificate is for " + (sans.isEmpty() ? "no DNS name" : String.join(", ", sans))
                    + ", not " + domain, "get a certificate whose subjectAltName lists " + domain
                    + (domain.startsWith("*.") ? "" : " (or *." + domain.substring(domain.indexOf('.') + 1) + ")"));
        }
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (!now.isBefore(notAfter)) {
            throw refused("the certificate for " + domain + " expired at " + notAfter, "renew it and upload the new one");
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            throw refused("the certificate for " + domain + " is not valid before " + leaf.getNotBefore().toInstant(),
                    "upload it once it is valid, or check the clock of the machine that made it");
        }
        return new Checked(leaf.getSubjectX500Principal().getName(), sans, notAfter);
    }

    /** True when a certificate name covers the domain: equal, or "*.x" for "label.x" (one label only). */
    static boolean covers(String san, String domain) {
        String name = san.toLowerCase(Locale.ROOT);
        if (name.equals(domain)) {
            return true;
        }
        if (name.startsWith("*.") && !domain.startsWith("*.")) {
            int dot = domain.indexOf('.');
            return dot > 0 && domain.substring(dot).equals(name.substring(1));
        }
        return false;
    }

    private static List<X509Certificate> chain(String pem) {
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : certs) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) {
                throw new CertificateException("no certificate found");
            }
            return chain;
        } catch (CertificateException | ClassCastException e) {
            throw SkepException.badRequest("\"cert\" is not a PEM certificate chain: " + e.getMessage(),
                    "send the chain as PEM, leaf first (-----BEGIN CERTIFICATE-----, as certbot's fullchain.pem)");
        }
    }

    private static PrivateKey key(String pem, String algorithm) {
        Matcher m = KEY.matcher(pem);
        if (!m.find()) {
            throw SkepException.badRequest("\"key\" is not an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)",
                    "convert it with: openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW");
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1))));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw refused("the key is not a " + algorithm + " key like the certificate's: " + e.getMessage(),
                    "send the key that belongs to this certificate");
        }
    }

    /** Signs with the key and verifies with the certificate: they belong together only if that works. */
    private static void requireMatch(X509Certificate leaf, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> throw refused("keys of type " + key.getAlgorithm() + " are not supported", "use an RSA or EC key");
        };
        try {
            byte[] probe = "skep certificate check".getBytes(StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(leaf.getPublicKey());
            verify.update(probe);
            if (verify.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a mismatch (EC keys of other curves, say): refused below
        }
        throw refused("the key does not belong to the certificate", "send the key this certificate was issued for");
    }

    private static List<String> dnsNames(X509Certificate cert) {
        try {
            Collection<List<?>> names = cert.getSubjectAlternativeNames();
            List<String> dns = new ArrayList<>();
            if (names != null) {
                for (List<?> name : names) {
                    if (name.size() >= 2 && name.get(0) instanceof Integer type && type == SAN_DNS) {
                        dns.add(String.valueOf(name.get(1)));
                    }
                }
            }
            return dns;
        } catch (CertificateParsingException e) {
            throw refused("the certificate's subjectAltName cannot be read: " + e.getMessage(), null);
        }
    }

    private static SkepException refused(String message, String detail) {
        return new SkepException(SkepException.Kind.UNPROCESSABLE, message, detail);
    }
}
