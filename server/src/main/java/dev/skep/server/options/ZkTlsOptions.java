package dev.skep.server.options;

import dev.skep.state.ZkTls;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Flags for reaching ZooKeeper over TLS (its secure client port), shared by every role that names an ensemble, and
 * by skep hosts, which hands them on to the roles it installs.
 */
public final class ZkTlsOptions {

    @Option(names = "--zk-tls-truststore", paramLabel = "FILE", description = "talk TLS to the ensemble (give --zk its "
            + "secure client port): the CA that signed its certificates, as PKCS12, JKS or a .pem bundle")
    Path truststore;

    @Option(names = "--zk-tls-truststore-password", paramLabel = "FILE", description = "a file holding the trust "
            + "store's password (none for .pem)")
    Path truststorePassword;

    @Option(names = "--zk-tls-keystore", paramLabel = "FILE", description = "this host's certificate and key, for an "
            + "ensemble that requires client certificates (PKCS12, JKS, or one .pem with both)")
    Path keystore;

    @Option(names = "--zk-tls-keystore-password", paramLabel = "FILE", description = "a file holding the key store's "
            + "password")
    Path keystorePassword;

    /** The TLS settings, or null for plain connections; key-store flags alone are a mistake worth naming. */
    /** The keystore of `skep server --zk-tls-port` (its embedded ZooKeeper's certificate), or null. */
    public Path keystore() {
        return keystore;
    }

    /** The file holding the keystore's password, or null. */
    public Path keystorePassword() {
        return keystorePassword;
    }

    public ZkTls tls() throws IOException {
        if (truststore == null) {
            if (keystore != null || truststorePassword != null || keystorePassword != null) {
                throw new ParameterException(new CommandLine(this),
                        "--zk-tls-* flags need --zk-tls-truststore FILE: the CA that signed the ensemble's "
                                + "certificates");
            }
            return null;
        }
        return ZkTls.fromFiles(truststore, truststorePassword, keystore, keystorePassword);
    }
}
