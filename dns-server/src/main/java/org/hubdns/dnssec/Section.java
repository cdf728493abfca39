package org.hubdns.dnssec;

/** Pre-encoded records of one response section part: the bytes and how many records they hold. */
record Section(byte[] bytes, int count) {
    static final Section EMPTY = new Section(new byte[0], 0);

    Section plus(Section other) {
        if (other == null || other.count() == 0) {
            return this;
        }
        byte[] b = java.util.Arrays.copyOf(bytes, bytes.length + other.bytes.length);
        System.arraycopy(other.bytes, 0, b, bytes.length, other.bytes.length);
        return new Section(b, count + other.count);
    }
}
