package org.hubdns.api;

/** A request the API refuses: becomes a problem+json response with this status. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String title;
    private final String field;

    public ApiException(int status, String title, String detail, String field) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.field = field;
    }

    public static ApiException badRequest(String field, String detail) {
        return new ApiException(400, "Bad Request", detail, field);
    }

    public static ApiException invalid(String field, String detail) {
        return new ApiException(422, "Unprocessable Content", detail, field);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "Not Found", detail, null);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(409, "Conflict", detail, null);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String field() {
        return field;
    }
}
