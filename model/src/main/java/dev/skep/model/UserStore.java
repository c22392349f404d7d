package dev.skep.model;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Users and their token hashes, kept in the cluster state. */
public interface UserStore {

    Optional<UserRecord> user(String name);

    List<UserRecord> users();

    /** Creates the user; CONFLICT if it exists. */
    void createUser(UserRecord user);

    /** Atomic read-modify-write; NOT_FOUND if absent. */
    UserRecord updateUser(String name, UnaryOperator<UserRecord> change);

    void deleteUser(String name);
}
