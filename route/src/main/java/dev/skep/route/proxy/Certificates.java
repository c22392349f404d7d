package dev.skep.route.proxy;

import dev.skep.route.HostMap;
import dev.skep.route.HostNames;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.Mapping;

import javax.net.ssl.SSLException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server certificates by SNI name: exact domain, then the longest wildcard, then the default.
 * Certificates are added at runtime from PEM (certificate chain + PKCS#8 key); lookups are lock-free.
 */
public final class Certificates implements Mapping<String, SslContext> {

    private final HostMap<SslContext> byName = new HostMap<>();
    private volatile SslContext fallback;

    /**
     * Adds or replaces the certificate for a domain ("shop.example.com" or "*.example.com").
     * Throws IllegalArgumentException when the PEM cannot be used, naming the domain.
     */
    public void add(String domain, String certPem, String keyPem) {
        String d = HostNames.requireDomain(domain);
        byName.put(d, context(d, certPem, keyPem));
    }

    /** Removes the certificate of a domain; its clients get the default (or a wildcard) from now on. */
    public void remove(String domain) {
        byName.remove(HostNames.requireDomain(domain));
    }

    /** The certificate for clients that send no SNI name, or a name with no certificate of its own. */
    public void setDefault(String certPem, String keyPem) {
        fallback = context("the default certificate", certPem, keyPem);
    }

    public boolean hasAny() {
        return fallback != null || !byName.isEmpty();
    }

    @Override
    public SslContext map(String sniHost) {
        if (sniHost == null) {
            return fallback;
        }
        SslContext ctx = byName.get(HostNames.normalize(sniHost));
        return ctx != null ? ctx : fallback;
    }

    private static SslContext context(String what, String certPem, String keyPem) {
        try {
            return SslContextBuilder.forServer(
                            new ByteArrayInputStream(certPem.getBytes(StandardCharsets.US_ASCII)),
                            new ByteArrayInputStream(keyPem.getBytes(StandardCharsets.US_ASCII)))
                    .sslProvider(SslProvider.isAlpnSupported(SslProvider.OPENSSL) ? SslProvider.OPENSSL : SslProvider.JDK)
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use the certificate for " + what + ": " + e.getMessage()
                    + "; give a PEM certificate chain and an unencrypted PKCS#8 PEM key", e);
        }
    }
}
