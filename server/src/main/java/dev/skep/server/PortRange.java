package dev.skep.server;

/** "20000-29999" as two ints: ports, the first not above the last. */
final class PortRange {

    private PortRange() {
    }

    static int[] parse(String range) {
        String[] parts = range.split("-");
        try {
            if (parts.length == 2) {
                int min = Integer.parseInt(parts[0].trim());
                int max = Integer.parseInt(parts[1].trim());
                if (min >= 1 && max <= 65535 && min <= max) {
                    return new int[] {min, max};
                }
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("--app-ports must look like 20000-29999, found '" + range + "'");
    }
}
