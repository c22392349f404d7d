package dev.skep.supervise;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * One process of an instance: the {@code generation}-th start of its runner. {@code exit} completes with how it
 * ended ("code 3", "signal 9").
 */
record InstanceProc(int generation, long pid, long startTime, Instant started, CompletableFuture<String> exit) {
}
