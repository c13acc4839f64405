package dev.kvstore.etcd;

import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Tells, for each answer on jetcd's lease keep-alive stream, when its request was sent.
 *
 * <p>A lease lives on the server until TTL after the server received the last keep-alive, and
 * that is no earlier than TTL after the request was sent. jetcd sends the keep-alives (one stream
 * per client for all its leases) but reports only the answers; this interceptor sees both. etcd
 * answers the requests of one stream in order, one answer per request, so the oldest unanswered
 * request of a lease on a stream is the one answered. Requests of a stream that failed are
 * forgotten with it (a later stream starts afresh), which can only make a deadline earlier.
 *
 * <p>Threads: gRPC calls {@code sendMessage} and {@code onMessage} on jetcd's event loop; the
 * per-stream {@link Unanswered} is synchronized, and {@link Answers#answered} must not block.
 */
final class KeepAliveClock implements ClientInterceptor {

    /** At most this many unanswered requests are remembered per lease and stream; later ones are not. */
    private static final int MAX_UNANSWERED = 256;

    private static final String KEEP_ALIVE = LeaseGrpc.getLeaseKeepAliveMethod().getFullMethodName();

    /** Receives the answers, with the time their request was sent. */
    interface Answers {
        /**
         * A keep-alive of a lease was answered.
         *
         * @param leaseId the lease
         * @param sentAtNanos {@link System#nanoTime()} just before the request was sent
         * @param ttlSeconds the TTL etcd granted from then on; 0 or less when the lease is gone
         */
        void answered(long leaseId, long sentAtNanos, long ttlSeconds);
    }

    private volatile Answers answers = (id, at, ttl) -> {};

    /** Sets who hears of the answers; there is one per client. */
    void answersTo(Answers receiver) {
        this.answers = receiver;
    }

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        ClientCall<Q, A> call = next.newCall(method, options);
        if (!KEEP_ALIVE.equals(method.getFullMethodName())) {
            return call;
        }
        Unanswered unanswered = new Unanswered();
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
            @Override
            public void start(Listener<A> listener, Metadata headers) {
                super.start(
                        new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onMessage(A message) {
                                if (message instanceof LeaseKeepAliveResponse response) {
                                    Long sentAt = unanswered.answered(response.getID());
                                    if (sentAt != null) {
                                        answers.answered(response.getID(), sentAt, response.getTTL());
                                    }
                                }
                                super.onMessage(message);
                            }
                        },
                        headers);
            }

            @Override
            public void sendMessage(Q message) {
                if (message instanceof LeaseKeepAliveRequest request) {
                    unanswered.sent(request.getID(), System.nanoTime());
                }
                super.sendMessage(message);
            }
        };
    }

    /** The send times of the unanswered requests of one stream, per lease, oldest first. Thread-safe. */
    static final class Unanswered {
        private final Map<Long, ArrayDeque<Long>> times = new HashMap<>();

        /** A request for the lease was sent at {@code atNanos}. */
        synchronized void sent(long leaseId, long atNanos) {
            ArrayDeque<Long> queue = times.computeIfAbsent(leaseId, id -> new ArrayDeque<>());
            if (queue.size() < MAX_UNANSWERED) {
                queue.add(atNanos);
            }
        }

        /**
         * An answer for the lease came: the send time of the request it answers.
         *
         * @return the send time, or {@code null} if no request of the lease is unanswered
         */
        synchronized Long answered(long leaseId) {
            ArrayDeque<Long> queue = times.get(leaseId);
            if (queue == null) {
                return null;
            }
            Long sentAt = queue.poll();
            if (queue.isEmpty()) {
                times.remove(leaseId);
            }
            return sentAt;
        }
    }
}
