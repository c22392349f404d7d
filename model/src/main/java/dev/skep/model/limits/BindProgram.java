package dev.skep.model.limits;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;

/**
 * The eBPF programs the kernel runs on every bind(2) and connect(2) of a guarded cgroup's processes
 * ({@code BPF_PROG_TYPE_CGROUP_SOCK_ADDR} programs at the INET4 and INET6 bind and connect hooks). The bind
 * one allows port 0 (the kernel picks an ephemeral port, as clients do) and the one port given, and refuses
 * every other, so bind(2) fails with EPERM; the connect one refuses a few ports (skep's ZooKeeper's) on any
 * address, so connect(2) fails with EPERM. A handful of instructions, no maps, no helpers; built here as
 * raw {@code struct bpf_insn}s so no compiler is needed.
 */
final class BindProgram {

    /** {@code offsetof(struct bpf_sock_addr, user_port)}: the port asked for, in network byte order. */
    static final short USER_PORT = 24;

    static final byte LDX_MEM_W = 0x61;   // BPF_LDX | BPF_MEM | BPF_W
    static final byte MOV64_IMM = (byte) 0xb7; // BPF_ALU64 | BPF_MOV | BPF_K
    static final byte JEQ_IMM = 0x15;     // BPF_JMP | BPF_JEQ | BPF_K
    static final byte EXIT = (byte) 0x95; // BPF_JMP | BPF_EXIT

    private BindProgram() {
    }

    /**
     * The instructions, 8 bytes each in this machine's byte order, of the program that allows binding
     * {@code port} and port 0 only ({@code port} 0: port 0 only).
     *
     * <pre>
     *   r2 = *(u32 *)(r1 + 24)      user_port
     *   r0 = 1                      allow
     *   if r2 == htons(port) goto exit   (left out for port 0)
     *   if r2 == 0 goto exit
     *   r0 = 0                      refuse: EPERM
     * exit:
     *   exit
     * </pre>
     */
    static byte[] allowing(int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("a port is 0-65535, found " + port);
        }
        ByteBuffer out = ByteBuffer.allocate((port == 0 ? 5 : 6) * 8).order(ByteOrder.nativeOrder());
        insn(out, LDX_MEM_W, 2, 1, USER_PORT, 0);
        insn(out, MOV64_IMM, 0, 0, (short) 0, 1);
        if (port != 0) {
            insn(out, JEQ_IMM, 2, 0, (short) 2, networkOrder(port));
        }
        insn(out, JEQ_IMM, 2, 0, (short) 1, 0);
        insn(out, MOV64_IMM, 0, 0, (short) 0, 0);
        insn(out, EXIT, 0, 0, (short) 0, 0);
        return out.array();
    }

    /**
     * The program that refuses connecting to any of {@code ports} and allows every other destination.
     *
     * <pre>
     *   r2 = *(u32 *)(r1 + 24)      user_port
     *   r0 = 0                      refuse: EPERM
     *   if r2 == htons(port) goto exit   (one per port)
     *   r0 = 1                      allow
     * exit:
     *   exit
     * </pre>
     */
    static byte[] refusingConnects(Set<Integer> ports) {
        for (int port : ports) {
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("a port to refuse is 1-65535, found " + port);
            }
        }
        int n = ports.size();
        ByteBuffer out = ByteBuffer.allocate((n + 4) * 8).order(ByteOrder.nativeOrder());
        insn(out, LDX_MEM_W, 2, 1, USER_PORT, 0);
        insn(out, MOV64_IMM, 0, 0, (short) 0, 0);
        int i = 0;
        for (int port : ports) {
            insn(out, JEQ_IMM, 2, 0, (short) (n - i), networkOrder(port)); // to exit, past the rest and "allow"
            i++;
        }
        insn(out, MOV64_IMM, 0, 0, (short) 0, 1);
        insn(out, EXIT, 0, 0, (short) 0, 0);
        return out.array();
    }

    /** The port as the kernel shows it in user_port: its two bytes in network order, read as a native u32. */
    static int networkOrder(int port) {
        return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? port : ((port & 0xff) << 8) | (port >>> 8);
    }

    /** {@code struct bpf_insn}: code, dst_reg:4 and src_reg:4 (bit-field order follows the byte order), off, imm. */
    private static void insn(ByteBuffer out, byte code, int dst, int src, short off, int imm) {
        out.put(code);
        out.put((byte) (ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? dst << 4 | src : src << 4 | dst));
        out.putShort(off);
        out.putInt(imm);
    }
}
