package org.hubdns.bench.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * Runs the query and answer code on made-up answers, with no socket, before a run starts, so the
 * JIT has compiled it by then. Without it an open-loop run spent its first seconds interpreting,
 * fell behind its schedule and carried the backlog past a 2 s warm-up into the measurement.
 */
final class Priming {
    static final int ROUNDS = 200_000;

    private Priming() {
    }

    static void run(RunSettings settings) {
        // open loop, so that an answer does not send the next query from inside the previous send
        RunSettings s = new RunSettings(settings.servers(), settings.templates(), settings.ecs(), 0, 1, 0, 1, 1, 1, 1.0,
                false, settings.timeoutNanos(), new AnswerWatch(new int[] {0x0a000001}));
        LoopDriver driver = new LoopDriver(null, s, 0, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4, Long.MAX_VALUE / 4,
                new RunControl(), LoadRun.fingerprintKeys(s));
        Echo echo = new Echo(driver);
        long now = System.nanoTime();
        for (int i = 0; i < ROUNDS; i++) {
            echo.send(now, now);
            echo.deliver();
        }
    }

    /** A flow whose "server" answers each query at once with two A records. */
    private static final class Echo extends Flow {
        private final byte[] answer = new byte[4096];
        private int pending;

        Echo(LoopDriver driver) {
            super(driver, 0, 1, 0, 1, 16);
        }

        @Override
        boolean ready() {
            return true;
        }

        @Override
        ByteBuf buffer(int length) {
            return UnpooledByteBufAllocator.DEFAULT.heapBuffer(length);
        }

        @Override
        void write(ByteBuf q) {
            int n = q.readableBytes();
            q.getBytes(0, answer, 0, n);
            q.release();
            int arcount = ((answer[10] & 0xff) << 8) | (answer[11] & 0xff);
            int end = n;
            if (arcount > 0) {
                // keep the question, drop the OPT, answer, then put the OPT (with its ECS) back after the answers
                int qEnd = 12;
                while (answer[qEnd] != 0) {
                    qEnd += 1 + (answer[qEnd] & 0xff);
                }
                qEnd += 5;
                byte[] opt = java.util.Arrays.copyOfRange(answer, qEnd, n);
                end = appendAnswers(qEnd);
                System.arraycopy(opt, 0, answer, end, opt.length);
                end += opt.length;
            } else {
                end = appendAnswers(n);
            }
            answer[2] |= (byte) 0x84; // QR, AA
            answer[7] = 2;
            pending = end;
        }

        void deliver() {
            received(answer, pending, System.nanoTime());
        }

        private int appendAnswers(int p) {
            for (int i = 0; i < 2; i++) {
                byte[] rr = {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, (byte) (1 + i)};
                System.arraycopy(rr, 0, answer, p, rr.length);
                p += rr.length;
            }
            return p;
        }

        @Override
        void flush() {
        }

        @Override
        void close() {
        }
    }
}
