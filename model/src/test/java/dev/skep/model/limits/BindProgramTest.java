package dev.skep.model.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BindProgramTest {

    /** One decoded {@code struct bpf_insn}. */
    record Insn(int code, int dst, int src, int off, int imm) {
    }

    static List<Insn> decode(byte[] program) {
        assertThat(program.length % 8).isZero();
        ByteBuffer in = ByteBuffer.wrap(program).order(ByteOrder.nativeOrder());
        boolean big = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;
        List<Insn> out = new ArrayList<>();
        while (in.hasRemaining()) {
            int code = in.get() & 0xff;
            int regs = in.get() & 0xff;
            out.add(new Insn(code, big ? regs >> 4 : regs & 0xf, big ? regs & 0xf : regs >> 4, in.getShort(),
                    in.getInt()));
        }
        return out;
    }

    @Test
    void theProgramReadsUserPortAndAllowsThePortAndZeroOnly() {
        int port = 41_234; // 0xa112: 0x12a1 as the kernel's u32 on a little-endian host
        List<Insn> insns = decode(BindProgram.allowing(port));
        int wire = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? port : 0x12a1;
        assertThat(insns).containsExactly(
                new Insn(0x61, 2, 1, 24, 0),     // r2 = *(u32 *)(r1 + offsetof(struct bpf_sock_addr, user_port))
                new Insn(0xb7, 0, 0, 0, 1),      // r0 = 1
                new Insn(0x15, 2, 0, 2, wire),   // if r2 == htons(port) goto exit
                new Insn(0x15, 2, 0, 1, 0),      // if r2 == 0 goto exit
                new Insn(0xb7, 0, 0, 0, 0),      // r0 = 0
                new Insn(0x95, 0, 0, 0, 0));     // exit
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            // the first instruction byte for byte, as clang emits it for ctx->user_port
            assertThat(Arrays.copyOf(BindProgram.allowing(port), 8))
                    .containsExactly(0x61, 0x12, 0x18, 0, 0, 0, 0, 0);
        }
    }

    @Test
    void portZeroAloneIsWhatABuildGets() {
        assertThat(decode(BindProgram.allowing(0))).containsExactly(
                new Insn(0x61, 2, 1, 24, 0),
                new Insn(0xb7, 0, 0, 0, 1),
                new Insn(0x15, 2, 0, 1, 0),
                new Insn(0xb7, 0, 0, 0, 0),
                new Insn(0x95, 0, 0, 0, 0));
    }

    @Test
    void everyJumpLandsOnTheExit() {
        for (int port : new int[] {0, 1, 80, 8080, 65_535}) {
            List<Insn> insns = decode(BindProgram.allowing(port));
            for (int i = 0; i < insns.size(); i++) {
                if (insns.get(i).code() == 0x15) {
                    assertThat(i + 1 + insns.get(i).off()).as("jump at %d for port %d", i, port)
                            .isEqualTo(insns.size() - 1);
                }
            }
            assertThat(insns.get(insns.size() - 1).code()).isEqualTo(0x95);
        }
    }

    @Test
    void theConnectProgramRefusesEachClosedPortAndAllowsTheRest() {
        for (Set<Integer> ports : List.of(Set.<Integer>of(), Set.of(2181),
                Set.of(2181, 2281, 41_234))) {
            List<Insn> insns = decode(BindProgram.refusingConnects(ports));
            assertThat(insns).hasSize(ports.size() + 4);
            assertThat(insns.get(0)).isEqualTo(new Insn(0x61, 2, 1, 24, 0));
            assertThat(insns.get(1)).as("refuse unless let through").isEqualTo(new Insn(0xb7, 0, 0, 0, 0));
            assertThat(insns.get(insns.size() - 2)).as("allow").isEqualTo(new Insn(0xb7, 0, 0, 0, 1));
            List<Integer> matched = new ArrayList<>();
            for (int i = 2; i < insns.size() - 2; i++) {
                assertThat(insns.get(i).code()).isEqualTo(0x15);
                assertThat(i + 1 + insns.get(i).off()).as("jump at %d", i).isEqualTo(insns.size() - 1);
                matched.add(insns.get(i).imm());
            }
            assertThat(matched).containsExactlyInAnyOrderElementsOf(
                    ports.stream().map(BindProgram::networkOrder).toList());
        }
        assertThatThrownBy(() -> BindProgram.refusingConnects(Set.of(0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void portsOutOfRangeAreRefused() {
        assertThatThrownBy(() -> BindProgram.allowing(65_536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BindProgram.allowing(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
