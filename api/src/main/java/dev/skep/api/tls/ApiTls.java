package dev.skep.api.tls;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The API's HTTPS: a PEM certificate (chain) and key, loaded once at start-up. */
public record ApiTls(Path certFile, Path keyFile) {

    /** A Jetty connector speaking HTTPS (TLS 1.2+) on host:port, for Javalin's {@code jetty.addConnector}. */
    public ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        char[] password = HexFormat.of().formatHex(secret).toCharArray();
        KeyStore store = PemKeyStore.load(certFile, keyFile, password);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(store);
        ssl.setKeyStorePassword(new String(password));
        ssl.setCertAlias(PemKeyStore.ALIAS);
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false); // clients reach the API by IP as often as by name
        https.addCustomizer(secure);
        ServerConnector connector = new ServerConnector(server,
                new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(https));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }
}
