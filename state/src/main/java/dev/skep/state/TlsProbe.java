package dev.skep.state;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.apache.zookeeper.common.ClientX509Util;
import org.apache.zookeeper.common.X509Exception;

/**
 * Why a TLS connection to ZooKeeper failed. ZooKeeper's client retries a refused handshake until the
 * connection times out and only logs the cause; one handshake of our own, with the same settings, names it.
 */
final class TlsProbe {

    private static final int PROBE_MILLIS = 3_000;

    private TlsProbe() {
    }

    /** The reason for the first host of {@code connectString} whose handshake fails, empty if none does. */
    static Optional<String> explain(String connectString, ZkTls tls) {
        SSLContext context;
        try (ClientX509Util x509 = new ClientX509Util()) {
            context = x509.createSSLContext(tls.clientConfig());
        } catch (X509Exception.SSLContextException e) {
            return Optional.of("cannot use the TLS stores for ZooKeeper (" + tls + "): " + rootMessage(e)
                    + "; check the files and their password files");
        }
        for (ZkHostPort hostPort : ZkHostPort.parse(connectString)) {
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(hostPort.host(), hostPort.port()), PROBE_MILLIS);
                socket.setSoTimeout(PROBE_MILLIS);
                socket.startHandshake();
            } catch (SSLException e) {
                return Optional.of("ZooKeeper at " + hostPort + " refused the TLS handshake: " + rootMessage(e)
                        + ". The server's certificate must be signed by a CA in --zk-tls-truststore " + tls.truststore()
                        + " and name the host as given in --zk; give the CA that signed the ensemble's certificates"
                        + " (and check that " + hostPort + " is its secure client port)");
            } catch (IOException | RuntimeException e) {
                // not reachable, or not answering: the plain timeout message says that
            }
        }
        return Optional.empty();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
