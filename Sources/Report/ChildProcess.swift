import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process with a time limit, started with `posix_spawn` in a process group of its own so that stopping
/// it at the limit stops everything it started (Foundation's `Process` would wait for grandchildren that keep
/// its pipes open).
struct ChildProcess {
    enum Termination: Equatable {
        case exited(Int32)
        case signaled(Int32)
        case timedOut
        case failedToStart(String)
    }

    /// Runs `arguments[0]` with `arguments`, stdin from /dev/null, stdout and stderr to the given files.
    static func run(_ arguments: [String], stdout: String, stderr: String, timeout: Double) -> Termination {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // No Swift backtrace on a crash: the parent reports it, and the backtracer takes seconds.
        let environment = ProcessInfo.processInfo.environment.filter { $0.key != "SWIFT_BACKTRACE" }
            .map { "\($0.key)=\($0.value)" } + ["SWIFT_BACKTRACE=enable=no"]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard status == 0 else { return .failedToStart(String(cString: strerror(status))) }

        let deadline = Date().addingTimeInterval(timeout)
        var waitStatus: Int32 = 0
        while true {
            let done = waitpid(pid, &waitStatus, WNOHANG)
            if done == pid { break }
            if done < 0 && errno != EINTR { return .failedToStart("waitpid: \(String(cString: strerror(errno)))") }
            if Date() >= deadline {
                kill(-pid, SIGKILL)   // the child's own process group, created above
                while waitpid(pid, &waitStatus, 0) < 0 && errno == EINTR {}
                return .timedOut
            }
            usleep(5_000)
        }
        let signal = waitStatus & 0x7f
        if signal == 0 { return .exited((waitStatus >> 8) & 0xff) }
        kill(-pid, SIGKILL)   // anything the crashed child left behind in its group
        return .signaled(signal)
    }
}
