package org.hubdns.dns.answer;

import java.util.Arrays;
import java.util.Collection;
import org.xbill.DNS.Name;

/**
 * An open-addressing hash table from lower-cased wire-format names to nodes, probed straight from
 * the query buffer so that a lookup allocates nothing.
 */
final class NameTable {
    private final byte[][] keys;
    private final Node[] nodes;
    private final int mask;
    private final int size;

    NameTable(Collection<Node> entries) {
        int capacity = Integer.highestOneBit(Math.max(16, entries.size() * 2 - 1)) << 1;
        keys = new byte[capacity][];
        nodes = new Node[capacity];
        mask = capacity - 1;
        for (Node n : entries) {
            int i = hash(n.key, 0, n.key.length) & mask;
            while (keys[i] != null) {
                if (Arrays.equals(keys[i], n.key)) {
                    throw new IllegalArgumentException("duplicate name " + n.name);
                }
                i = (i + 1) & mask;
            }
            keys[i] = n.key;
            nodes[i] = n;
        }
        size = entries.size();
    }

    int size() {
        return size;
    }

    /** Looks up the lower-cased wire name {@code buf[from, to)}. */
    Node get(byte[] buf, int from, int to) {
        int i = hash(buf, from, to) & mask;
        int len = to - from;
        byte[] k;
        while ((k = keys[i]) != null) {
            if (k.length == len && Arrays.equals(k, 0, len, buf, from, to)) {
                return nodes[i];
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    static int hash(byte[] b, int from, int to) {
        int h = 0x811C9DC5;
        for (int i = from; i < to; i++) {
            h = (h ^ b[i]) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    static byte[] keyOf(Name name) {
        byte[] wire = name.toWire();
        for (int i = 0; i < wire.length; i++) {
            byte b = wire[i];
            if (b >= 'A' && b <= 'Z') {
                wire[i] = (byte) (b + 32);
            }
        }
        return wire;
    }
}
