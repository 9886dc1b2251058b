package org.lamina.analysis.model;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A memory budget for one analysis (DESIGN.md §2: "batch sizes are bounded by a memory budget,
 * never by all at once"): parsed from an option such as {@code --memory 4g}, or derived from
 * what the machine has free.
 *
 * <p>Default ({@link #defaultBytes}), the formula the CLI help repeats:
 * <ul>
 *   <li>CPU: half of the memory the operating system reports available (Linux
 *       {@code MemAvailable}, else the free physical memory), at least {@link #MIN_DEFAULT} and at
 *       most {@link #MAX_DEFAULT} — tensors of a CPU run live outside the Java heap, so the heap
 *       is not the limit; the Java-side copies an analysis keeps per chunk are small against it;</li>
 *   <li>GPU: half of the device memory not in use ({@code max − used} from CUDA), at least
 *       {@link #MIN_DEFAULT}.</li>
 * </ul>
 */
public final class MemoryBudget {

    /** Smallest default: below it a ViT-B run gets one row a chunk anyway. */
    public static final long MIN_DEFAULT = 512L << 20;

    /** Largest default on the CPU: past it batches stop getting faster and the machine is shared. */
    public static final long MAX_DEFAULT = 4L << 30;

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b)?");

    private MemoryBudget() {
    }

    /**
     * Parses {@code 4g}, {@code 512m}, {@code 1.5G}, {@code 800000k}, {@code 2GiB} or a plain byte
     * count (binary units: k = 1024). Refuses anything else, and budgets under 1 MiB.
     *
     * @param option the option name for the error message, e.g. {@code --memory}
     */
    public static long parse(String text, String option) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIZE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException(option + " must be a size such as 4g, 512m or 800000k (k/m/g/t = "
                    + "KiB/MiB/GiB/TiB), got '" + text + "'");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
        if (!(bytes >= (1 << 20)) || bytes > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException(option + " must be at least 1m (one MiB), got '" + text + "'");
        }
        return (long) bytes;
    }

    /** The default budget on {@code device} (see the class comment for the formula). */
    public static long defaultBytes(Device device) {
        if (device.isGpu()) {
            try {
                MemoryUsage mem = CudaUtils.getGpuMemory(device);
                return Math.max(MIN_DEFAULT, (mem.getMax() - mem.getUsed()) / 2);
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                return MIN_DEFAULT;
            }
        }
        return Math.max(MIN_DEFAULT, Math.min(MAX_DEFAULT, availablePhysical() / 2));
    }

    /** Human-readable size, e.g. {@code 4.0 GiB}. */
    public static String describe(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
    }

    private static long availablePhysical() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) << 10;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall back to the JVM's view below
        }
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getFreeMemorySize();
        }
        return MIN_DEFAULT * 2;
    }
}
