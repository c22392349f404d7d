package dev.skep.server;

/** A range of TCP ports, "20000-29999". */
public record PortRange(int first, int last) {

    public PortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("port range must be within 1-65535 and first <= last, found "
                    + first + "-" + last);
        }
    }

    public static PortRange parse(String text) {
        String[] parts = text.trim().split("-");
        if (parts.length != 2) {
            throw new IllegalArgumentException("port range must look like 20000-29999, found '" + text + "'");
        }
        try {
            return new PortRange(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port range must look like 20000-29999, found '" + text + "'");
        }
    }
}
