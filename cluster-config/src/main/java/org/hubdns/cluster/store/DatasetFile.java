package org.hubdns.cluster.store;

import java.nio.file.Path;

/**
 * A dataset as loaded on this member: its bytes (verified against the checksum) and, when it was
 * written to the data dir, that file (so that a large one, like GeoIP, can be memory-mapped). A
 * streamed dataset (a coverage feed's table dump, up to 512 MiB) has no bytes: only its verified file.
 */
public record DatasetFile(DatasetMeta meta, byte[] bytes, Path file) {
}
