package dev.skep.route;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.InitialDirContext;

/** TXT records by the JDK's DNS client: the host's resolvers, or one server (an internal DNS, a test's). */
public final class DnsTxt {

    private final String providerUrl;

    /** @param server "HOST" or "HOST:PORT" to ask; null for the resolvers in /etc/resolv.conf */
    public DnsTxt(String server) {
        this.providerUrl = server == null || server.isBlank() ? "dns:" : "dns://" + server;
    }

    /**
     * The TXT records at {@code name}, one string each: a record of several strings has them joined by a space, as
     * the JDK gives them (so compare values without spaces with their spaces removed); empty when the name has
     * none or does not exist.
     *
     * @throws IllegalStateException when DNS cannot be asked (no answer, a server failure)
     */
    public List<String> lookup(String name) {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        env.put(Context.PROVIDER_URL, providerUrl);
        env.put("com.sun.jndi.dns.timeout.initial", "1000");
        env.put("com.sun.jndi.dns.timeout.retries", "3");
        InitialDirContext ctx = null;
        try {
            ctx = new InitialDirContext(env);
            Attribute txt = ctx.getAttributes(name, new String[] {"TXT"}).get("TXT");
            List<String> values = new ArrayList<>();
            if (txt == null) {
                return values;
            }
            NamingEnumeration<?> all = txt.getAll();
            while (all.hasMore()) {
                values.add(unquote(String.valueOf(all.next())));
            }
            return values;
        } catch (NameNotFoundException e) {
            return List.of();
        } catch (NamingException e) {
            throw new IllegalStateException("could not ask DNS (" + providerUrl + ") for the TXT records of " + name
                    + ": " + e.getMessage(), e);
        } finally {
            if (ctx != null) {
                try {
                    ctx.close();
                } catch (NamingException ignored) {
                    // nothing held open
                }
            }
        }
    }

    /** The JDK quotes the strings of a record when one has a space or a quote in it: "a b" "c" reads a b c. */
    static String unquote(String record) {
        if (!record.startsWith("\"")) {
            return record;
        }
        StringBuilder out = new StringBuilder();
        boolean inside = false;
        for (int i = 0; i < record.length(); i++) {
            char c = record.charAt(i);
            if (c == '"') {
                inside = !inside;
                if (!inside && i + 1 < record.length()) {
                    out.append(' ');
                }
            } else if (c == '\\' && inside && i + 1 < record.length()) {
                out.append(record.charAt(++i));
            } else if (inside) {
                out.append(c);
            }
            // the spaces between quoted strings are dropped: each closing quote added one
        }
        return out.toString();
    }
}
