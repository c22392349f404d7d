package dev.skep.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** TLS set-up for a skep behind its own CA. */
public final class Tls {

    private Tls() {
    }

    /** An SSLContext that trusts exactly the certificates in a PEM file (one or more CA certs). */
    public static SSLContext trusting(Path pemFile) {
        try (InputStream in = Files.newInputStream(pemFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new ClientConfigException("no certificate in CA file " + pemFile,
                        "give a PEM file with one or more -----BEGIN CERTIFICATE----- blocks");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate cert : certs) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new ClientConfigException("cannot read CA file " + pemFile + ": " + e.getMessage(),
                    "check the path given with --ca-file or SKEP_CA_FILE", e);
        } catch (GeneralSecurityException e) {
            throw new ClientConfigException("cannot use CA file " + pemFile + ": " + e.getMessage(),
                    "give a PEM file with one or more -----BEGIN CERTIFICATE----- blocks", e);
        }
    }
}
