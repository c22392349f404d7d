package dev.skep.deploy.intake;

/**
 * How much an upload may weigh, before and after unpacking.
 *
 * @param maxCompressedBytes the tarball as sent
 * @param maxUnpackedBytes   the tar stream once gunzipped (file contents plus tar headers)
 * @param maxEntries         files, directories and links in the tar
 * @param maxRatio           how many times its compressed size an upload may grow when
 *                           unpacked, above {@link #RATIO_FLOOR}; stops a small gzip bomb
 *                           long before it fills the disk up to {@code maxUnpackedBytes}
 */
public record UploadLimits(long maxCompressedBytes, long maxUnpackedBytes, int maxEntries, int maxRatio) {

    private static final long MIB = 1024L * 1024;

    /** Below this unpacked size the ratio is not checked: tiny archives of tiny files compress very well. */
    public static final long RATIO_FLOOR = 64 * MIB;

    /** Source trees gzip 3-20 times; 100 leaves room for odd ones and stops zero-filled bombs (~1000x). */
    public static final int DEFAULT_RATIO = 100;

    public UploadLimits {
        requirePositive("maxCompressedBytes", maxCompressedBytes);
        requirePositive("maxUnpackedBytes", maxUnpackedBytes);
        requirePositive("maxEntries", maxEntries);
        requirePositive("maxRatio", maxRatio);
    }

    public UploadLimits(long maxCompressedBytes, long maxUnpackedBytes, int maxEntries) {
        this(maxCompressedBytes, maxUnpackedBytes, maxEntries, DEFAULT_RATIO);
    }

    /** 512 MiB sent, 2 GiB unpacked, 100,000 entries, 100x. */
    public static UploadLimits defaults() {
        return new UploadLimits(512 * MIB, 2048 * MIB, 100_000);
    }

    /** The unpacked size allowed for an upload of this compressed size: the ratio guard, capped by the limit. */
    public long unpackedLimitFor(long compressedBytes) {
        long byRatio = compressedBytes > Long.MAX_VALUE / maxRatio ? Long.MAX_VALUE : compressedBytes * maxRatio;
        return Math.min(maxUnpackedBytes, Math.max(RATIO_FLOOR, byRatio));
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, found " + value);
        }
    }
}
