package org.hubdns.cluster.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** How datasets are cut into chunks and put back together, in process (no cluster). */
class DatasetChunksTest {
    private static final int MIB = Datasets.CHUNK_BYTES;

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static List<byte[]> cut(DatasetMeta meta, byte[] bytes) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < meta.chunks(); i++) {
            out.add(Datasets.chunk(bytes, i));
        }
        return out;
    }

    @Test
    void chunkCountsRoundUpAndAnEmptyDatasetHasOneChunk() {
        record Case(long bytes, int chunks) {
        }
        for (Case c : List.of(new Case(0, 1), new Case(1, 1), new Case(MIB - 1, 1), new Case(MIB, 1),
                new Case(MIB + 1, 2), new Case(2L * MIB, 2), new Case(2L * MIB + 1, 3), new Case(60L * MIB, 60))) {
            assertThat(Datasets.chunkCount(c.bytes())).as("%d bytes", c.bytes()).isEqualTo(c.chunks());
        }
    }

    @Test
    void chunksAreWholeMebibytesThenTheRest() {
        byte[] bytes = random(2 * MIB + 5);
        DatasetMeta meta = Datasets.describe("blob", 7, bytes, Map.of("count", 3));
        assertThat(meta.chunks()).isEqualTo(3);
        assertThat(meta.bytes()).isEqualTo(bytes.length);
        assertThat(meta.sha256()).isEqualTo(LocalStore.sha256(bytes));
        assertThat(meta.chunkKey(2)).isEqualTo("blob/7/2");
        List<byte[]> chunks = cut(meta, bytes);
        assertThat(chunks).extracting(c -> c.length).containsExactly(MIB, MIB, 5);
        assertThat(chunks.get(1)).isEqualTo(Arrays.copyOfRange(bytes, MIB, 2 * MIB));
    }

    @Test
    void chunksPutBackTogetherGiveTheBytes() {
        for (int size : new int[] {0, 1, MIB, MIB + 1, 3 * MIB - 1}) {
            byte[] bytes = random(size);
            DatasetMeta meta = Datasets.describe("blob", 1, bytes, null);
            List<byte[]> chunks = cut(meta, bytes);
            Datasets.Assembled a = Datasets.assemble(meta, chunks::get);
            assertThat(a.outcome()).as("%d bytes", size).isEqualTo(Datasets.Assembly.COMPLETE);
            assertThat(a.bytes()).isEqualTo(bytes);
        }
    }

    @Test
    void aMissingChunkMeansTheUploadWasReplaced() {
        byte[] bytes = random(MIB + 10);
        DatasetMeta meta = Datasets.describe("blob", 1, bytes, null);
        List<byte[]> chunks = cut(meta, bytes);
        Datasets.Assembled a = Datasets.assemble(meta, i -> i == 1 ? null : chunks.get(i));
        assertThat(a.outcome()).isEqualTo(Datasets.Assembly.MISSING);
        assertThat(a.bytes()).isNull();
    }

    @Test
    void changedShortOrLongChunksFailTheChecksum() {
        byte[] bytes = random(MIB + 10);
        DatasetMeta meta = Datasets.describe("blob", 1, bytes, null);
        List<byte[]> chunks = cut(meta, bytes);
        byte[] flipped = chunks.get(0).clone();
        flipped[100] ^= 1;
        byte[] shortLast = Arrays.copyOf(chunks.get(1), 9);
        byte[] longLast = Arrays.copyOf(chunks.get(1), 11);
        for (byte[] second : new byte[][] {shortLast, longLast}) {
            assertThat(Datasets.assemble(meta, i -> i == 0 ? chunks.get(0) : second).outcome())
                    .isEqualTo(Datasets.Assembly.CORRUPT);
        }
        assertThat(Datasets.assemble(meta, i -> i == 0 ? flipped : chunks.get(1)).outcome())
                .isEqualTo(Datasets.Assembly.CORRUPT);
    }
}
