package dev.skep.hosts;

import java.net.URI;
import java.net.URISyntaxException;

/** Where `skep hosts add` logs in: {@code ssh://USER@HOST[:PORT]} (or {@code USER@HOST}). */
public record SshTarget(String user, String host, int port) {

    public SshTarget {
        if (user == null || user.isBlank() || host == null || host.isBlank() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("an SSH target needs a user, a host and a port 1-65535");
        }
    }

    public static SshTarget parse(String text) {
        String uri = text.startsWith("ssh://") ? text : "ssh://" + text;
        try {
            URI parsed = new URI(uri);
            if (parsed.getUserInfo() == null || parsed.getHost() == null
                    || !(parsed.getPath() == null || parsed.getPath().isEmpty() || "/".equals(parsed.getPath()))) {
                throw new IllegalArgumentException("'" + text + "' is not ssh://USER@HOST[:PORT] "
                        + "(e.g. ssh://root@10.0.0.7 or ssh://deploy@web2.example.com:2222)");
            }
            return new SshTarget(parsed.getUserInfo(), parsed.getHost(), parsed.getPort() == -1 ? 22 : parsed.getPort());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not ssh://USER@HOST[:PORT]: " + e.getReason());
        }
    }

    @Override
    public String toString() {
        return "ssh://" + user + "@" + host + (port == 22 ? "" : ":" + port);
    }
}
