package dev.skep.route;

/** A certificate as the router takes it: PEM chain (leaf first) and unencrypted PKCS#8 PEM key. */
public record CertificatePem(String cert, String key) {

    public CertificatePem {
        if (cert == null || key == null) {
            throw new IllegalArgumentException("a certificate needs its PEM chain and key");
        }
    }
}
