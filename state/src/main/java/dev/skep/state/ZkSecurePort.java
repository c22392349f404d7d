package dev.skep.state;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * The embedded ZooKeeper's TLS port (its secure client port): other hosts' roles reach the state through
 * it with {@link ZkTls}. Clients show no certificate: the cluster secret (digest ACL) is their identity.
 *
 * @param address          where it listens (port 0: a free one)
 * @param keystore         the server's certificate and key (PKCS12, JKS, or .pem), naming the host as roles give it
 * @param keystorePassword the key store's password, or null
 */
public record ZkSecurePort(InetSocketAddress address, Path keystore, String keystorePassword) {

    @Override
    public String toString() {
        return "ZkSecurePort[address=" + address + ", keystore=" + keystore + "]";
    }
}
