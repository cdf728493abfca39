package org.hubdns.cluster.model;

/** A place where cache nodes stand (an exchange or a data centre), with the coordinates steering uses. */
public record Site(String name, String city, String country, double lat, double lon) {
}
