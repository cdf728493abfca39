package org.hubdns.bench.wire;

import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every distinct question encoded once as a whole query message (ID 0, RD set, no EDNS); a query
 * is this template copied into the send buffer with its ID, and optionally an ECS option, patched
 * in. The run's order ({@link #sequence}) refers to the templates by index, so a file with many
 * repeated lines costs one template per distinct question.
 */
public final class QueryTemplates {
    private static final int RD = 0x0100;

    private final byte[][] messages;
    private final int[] sequence;
    private final List<QuerySpec> distinct;

    private QueryTemplates(byte[][] messages, int[] sequence, List<QuerySpec> distinct) {
        this.messages = messages;
        this.sequence = sequence;
        this.distinct = distinct;
    }

    public static QueryTemplates of(List<QuerySpec> specs) {
        Map<QuerySpec, Integer> index = new HashMap<>();
        java.util.ArrayList<QuerySpec> distinct = new java.util.ArrayList<>();
        int[] sequence = new int[specs.size()];
        for (int i = 0; i < specs.size(); i++) {
            QuerySpec s = specs.get(i);
            Integer at = index.get(s);
            if (at == null) {
                at = distinct.size();
                index.put(s, at);
                distinct.add(s);
            }
            sequence[i] = at;
        }
        byte[][] messages = new byte[distinct.size()][];
        for (int i = 0; i < messages.length; i++) {
            messages[i] = encode(distinct.get(i));
        }
        return new QueryTemplates(messages, sequence, List.copyOf(distinct));
    }

    private static byte[] encode(QuerySpec s) {
        byte[] name = DnsName.toWire(s.name());
        byte[] m = new byte[12 + name.length + 4];
        m[2] = (byte) (RD >> 8);
        m[3] = (byte) RD;
        m[5] = 1; // QDCOUNT
        System.arraycopy(name, 0, m, 12, name.length);
        int p = 12 + name.length;
        m[p] = (byte) (s.type() >> 8);
        m[p + 1] = (byte) s.type();
        m[p + 3] = 1; // class IN
        return m;
    }

    /** The number of lines in the run's order (the cycle length). */
    public int length() {
        return sequence.length;
    }

    /** The template index of the {@code i}-th line of the cycle. */
    public int at(int i) {
        return sequence[i];
    }

    public int distinct() {
        return messages.length;
    }

    public List<QuerySpec> specs() {
        return distinct;
    }

    /** The question section of template {@code t} is bytes [12, questionEnd) of {@link #message}. */
    public byte[] message(int t) {
        return messages[t];
    }

    /**
     * Writes template {@code t} with {@code id}, plus the pre-encoded OPT record {@code opt} (an ECS
     * option, or null for none), into {@code out}.
     */
    public void write(ByteBuf out, int t, int id, byte[] opt, int optOffset, int optLength) {
        byte[] m = messages[t];
        int start = out.writerIndex();
        out.writeBytes(m);
        out.setShort(start, id);
        if (opt != null) {
            out.setShort(start + 10, 1); // ARCOUNT
            out.writeBytes(opt, optOffset, optLength);
        }
    }

    /** True when bytes [12, 12 + question length) of the response equal the template's question. */
    public boolean sameQuestion(int t, byte[] response, int responseLength) {
        byte[] m = messages[t];
        int qlen = m.length - 12;
        if (responseLength < 12 + qlen) {
            return false;
        }
        return java.util.Arrays.equals(m, 12, m.length, response, 12, 12 + qlen);
    }

    /** Size of the longest template, to size send buffers. */
    public int maxLength() {
        int max = 0;
        for (byte[] m : messages) {
            max = Math.max(max, m.length);
        }
        return max;
    }
}
