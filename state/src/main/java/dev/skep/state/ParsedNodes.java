package dev.skep.state;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;

/**
 * The cache's nodes as records, each parsed once per change of the node (its mzxid) rather than on every read: the
 * scheduler takes a snapshot of the whole cluster on every pass, and with thousands of apps parsing every node's
 * JSON again was most of a pass. Only records are kept (skep's are immutable, so readers may share one); other types,
 * arrays say, are parsed for each reader.
 */
final class ParsedNodes {

    private record Parsed(long mzxid, Class<?> type, Object value) {}

    private final CuratorCache cache;
    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

    ParsedNodes(CuratorCache cache) {
        this.cache = cache;
    }

    /** The node is gone: its record is not kept (the state's cache listener calls this). */
    void forget(String path) {
        parsed.remove(path);
    }

    /** The node's data as {@code type}; a RuntimeException when it does not parse. */
    <T> T read(ChildData node, Class<T> type) {
        long mzxid = node.getStat() == null ? -1 : node.getStat().getMzxid();
        Parsed known = parsed.get(node.getPath());
        if (known != null && known.mzxid() == mzxid && known.type() == type) {
            return type.cast(known.value());
        }
        T value = Json.read(node.getData(), type);
        if (!type.isRecord() || mzxid == -1) {
            return value;
        }
        if (parsed.size() > 2 * cache.size() + 1024) {
            parsed.clear(); // deletes raced with reads put some back: start over rather than grow
        }
        parsed.put(node.getPath(), new Parsed(mzxid, type, value));
        return value;
    }
}
