package dev.skep.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;

/**
 * How a skep role reaches ZooKeeper over TLS (the ensemble's secure client port). The stores are files
 * ZooKeeper's X509Util reads: PKCS12 or JKS, or PEM when the name ends in .pem (a CA bundle as trust store;
 * certificate and key in one file as key store).
 *
 * @param truststore       the CA(s) that signed the ensemble's certificates
 * @param truststorePassword the trust store's password, or null (none, as for PEM)
 * @param keystore         this host's certificate and key, for ensembles that require client certificates, or null
 * @param keystorePassword the key store's password, or null
 */
public record ZkTls(Path truststore, String truststorePassword, Path keystore, String keystorePassword) {

    /** Reads the password files given with the flags (null: no password); a missing store file fails here. */
    public static ZkTls fromFiles(Path truststore, Path truststorePasswordFile, Path keystore,
                                  Path keystorePasswordFile) throws IOException {
        requireReadable("--zk-tls-truststore", truststore);
        if (keystore != null) {
            requireReadable("--zk-tls-keystore", keystore);
        }
        return new ZkTls(truststore.toAbsolutePath(), password(truststorePasswordFile), keystore == null ? null
                : keystore.toAbsolutePath(), password(keystorePasswordFile));
    }

    private static void requireReadable(String flag, Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(flag + " " + file + " cannot be read: give an existing PKCS12, JKS "
                    + "or .pem file");
        }
    }

    private static String password(Path file) throws IOException {
        return file == null ? null : Files.readString(file).strip();
    }

    /**
     * This connection's client settings. Set per connection, never as system properties: an embedded
     * server in the same process reads those for its own secure port. Every key a server could have set is
     * given here, so nothing of its is inherited.
     */
    ZKClientConfig clientConfig() {
        ZKClientConfig config = new ZKClientConfig();
        ClientX509Util x509 = new ClientX509Util();
        config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        config.setProperty(x509.getSslTruststoreLocationProperty(), truststore.toString());
        config.setProperty(x509.getSslTruststorePasswdProperty(), truststorePassword == null ? "" : truststorePassword);
        config.setProperty(x509.getSslKeystoreLocationProperty(), keystore == null ? "" : keystore.toString());
        config.setProperty(x509.getSslKeystorePasswdProperty(), keystorePassword == null ? "" : keystorePassword);
        config.setProperty(x509.getSslHostnameVerificationEnabledProperty(), "true");
        return config;
    }

    /** Never the passwords: a record's toString would print them into whatever logs it. */
    @Override
    public String toString() {
        return "ZkTls[truststore=" + truststore + ", keystore=" + keystore + "]";
    }
}
