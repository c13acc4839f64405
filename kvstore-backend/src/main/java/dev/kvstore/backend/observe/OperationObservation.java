package dev.kvstore.backend.observe;

/**
 * One operation in progress, from {@link BackendInstrumentation#start}.
 *
 * <p>Threads: {@link #end} is called once, on the caller's thread for a blocking form and on the
 * thread that completes the operation for an asynchronous form, before the caller sees the result;
 * {@link #complete} right after it on the same thread.
 */
public interface OperationObservation {

    /**
     * The operation ended: blocking forms when they return or throw, asynchronous forms when
     * their future completes.
     *
     * @param outcome how it ended
     * @param error what the caller sees when it failed; {@code null} otherwise
     */
    void end(Outcome outcome, Throwable error);

    /**
     * Completes the future an asynchronous form returned to its caller. The callbacks the caller
     * chained on it run inside this call: a tracer makes the caller's context current here, so
     * that an operation started in {@code putAsync(..).thenCompose(..)} has the caller's span as
     * its parent. The default runs it as is.
     *
     * @param completion completes the caller's future
     */
    default void complete(Runnable completion) {
        completion.run();
    }

    /** How an operation ended. */
    enum Outcome {
        /** It succeeded. */
        SUCCESS,
        /** It succeeded and found nothing: a {@code get} of a missing key. Not an error. */
        NOT_FOUND,
        /** The store did not answer: unreachable, or no answer within the timeout. */
        UNAVAILABLE,
        /** The store answered with an error, or the call failed otherwise. */
        ERROR;

        /**
         * How an operation that returned {@code value} ended: {@link #NOT_FOUND} for an empty
         * {@code Optional}, else {@link #SUCCESS}.
         *
         * @param value what the operation returned
         * @return the outcome
         */
        public static Outcome ofValue(Object value) {
            return value instanceof java.util.Optional<?> o && o.isEmpty() ? NOT_FOUND : SUCCESS;
        }

        /**
         * How an operation that failed with {@code failure} ended: {@link #UNAVAILABLE} for a
         * {@link dev.kvstore.KvStoreUnavailableException}, else {@link #ERROR}.
         *
         * @param failure what the caller sees
         * @return the outcome
         */
        public static Outcome ofFailure(Throwable failure) {
            return failure instanceof dev.kvstore.KvStoreUnavailableException ? UNAVAILABLE : ERROR;
        }

        /**
         * The lowercase name, as a metric tag value.
         *
         * @return {@code success}, {@code not_found}, {@code unavailable} or {@code error}
         */
        public String tagValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
