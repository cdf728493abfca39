package org.hubdns.api;

/** A request the API refuses: becomes a problem+json response with this status. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String title;
    private final String field;
    private final AuthFailure authFailure;

    public ApiException(int status, String title, String detail, String field) {
        this(status, title, detail, field, null);
    }

    private ApiException(int status, String title, String detail, String field, AuthFailure authFailure) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.field = field;
        this.authFailure = authFailure;
    }

    /** 401: the request's token is missing, unknown or expired ({@code reason} is what limits and metrics count). */
    public static ApiException unauthorized(AuthFailure reason, String detail) {
        return new ApiException(401, "Unauthorized", detail, null, reason);
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

    /** Why authentication failed, for a 401 made by {@link #unauthorized}; null otherwise. */
    public AuthFailure authFailure() {
        return authFailure;
    }

    public String field() {
        return field;
    }
}
