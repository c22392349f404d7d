package dev.skep.client;

/** Hears how much of an upload the client has handed to the connection so far. */
@FunctionalInterface
public interface UploadListener {

    UploadListener NONE = (sent, total) -> { };

    /**
     * @param sent  bytes sent so far
     * @param total the size of the whole upload, or -1 when unknown
     */
    void sent(long sent, long total);
}
