package dev.skep.deploy.build;

import java.util.ArrayDeque;
import java.util.Deque;

/** The last lines of a process's output, kept for the error message when it fails. */
final class OutputTail {

    private static final int MAX_LINE = 2000;

    private final int size;
    private final Deque<String> lines = new ArrayDeque<>();

    OutputTail(int size) {
        this.size = size;
    }

    synchronized void add(String line) {
        if (lines.size() == size) {
            lines.removeFirst();
        }
        lines.addLast(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "..." : line);
    }

    synchronized String text() {
        return String.join("\n", lines);
    }
}
