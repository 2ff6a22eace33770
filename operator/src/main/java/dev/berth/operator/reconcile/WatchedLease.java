package dev.berth.operator.reconcile;

import io.kubernetes.client.extended.leaderelection.LeaderElectionRecord;
import io.kubernetes.client.extended.leaderelection.Lock;
import io.kubernetes.client.openapi.ApiException;

/**
 * The Lease lock of the leader election, remembering why it last could not read or create the Lease.
 * client-java's elector only logs such failures and tries again for ever, so a replica whose Lease the API
 * server refuses (no RBAC for Leases in that namespace, a namespace that does not exist) was an idle
 * standby that said it was ready, and nothing reconciled. {@link #problem} gives {@code /readyz} the reason.
 * A read that finds the Lease (held by another replica, or by this one), or a create or update that goes
 * through, clears it; a create that loses to another replica's is cleared by the next read.
 */
final class WatchedLease implements Lock {
    private final Lock lease;
    private volatile String problem;

    WatchedLease(Lock lease) {
        this.lease = lease;
    }

    /** Why the last read or create of the Lease failed, or {@code null} when the last read found it. */
    String problem() {
        return problem;
    }

    @Override
    public LeaderElectionRecord get() throws ApiException {
        try {
            LeaderElectionRecord r = lease.get();
            problem = null;
            return r;
        } catch (ApiException e) {
            if (e.getCode() != 404) { // 404: no Lease yet; the elector creates it next
                problem = "Lease " + lease.describe() + " cannot be read: " + StepFailure.describe(e);
            }
            throw e;
        }
    }

    @Override
    public boolean create(LeaderElectionRecord record) {
        boolean created = lease.create(record);
        if (created) {
            problem = null;
        } else {
            problem = "Lease " + lease.describe() + " cannot be created (see the operator's log: RBAC for Leases,"
                    + " or the namespace)";
        }
        return created;
    }

    @Override
    public boolean update(LeaderElectionRecord record) {
        boolean updated = lease.update(record);
        if (updated) {
            problem = null;
        }
        return updated;
    }

    @Override
    public String identity() {
        return lease.identity();
    }

    @Override
    public String describe() {
        return lease.describe();
    }
}
