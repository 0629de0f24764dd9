"""Fails unless every TCP listener on the given ports is bound to loopback only.

    python3 scripts/loopback_only.py PORT [PORT ...]

Reads /proc/net/tcp and /proc/net/tcp6 (no iproute2 needed). A port with no listener at all
is an error too: the check is meant to run while the servers are up.
"""
import sys

LISTEN = "0A"
LOOPBACK6 = "00000000000000000000000001000000"  # ::1, as /proc prints it
V4_MAPPED = "0000000000000000FFFF0000"  # ::ffff:a.b.c.d


def is_loopback(address):
    """127.0.0.0/8 (its first octet is the word's last byte in /proc), ::1, ::ffff:127.x."""
    if len(address) == 8:
        return address.endswith("7F")
    if address == LOOPBACK6:
        return True
    return address.startswith(V4_MAPPED) and address.endswith("7F")


def listeners():
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, port = fields[1].split(":")
            if fields[3] == LISTEN:
                yield int(port, 16), address, is_loopback(address)


def main(ports):
    found = {port: [] for port in ports}
    for port, address, is_loopback in listeners():
        if port in found:
            found[port].append((address, is_loopback))
    bad = False
    for port, binds in found.items():
        if not binds:
            print(f"port {port}: nothing listens", file=sys.stderr)
            bad = True
        for address, is_loopback in binds:
            if not is_loopback:
                print(f"port {port}: listens on {address}, not loopback only", file=sys.stderr)
                bad = True
    if not bad:
        print("loopback only: " + ", ".join(str(p) for p in ports))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main([int(p) for p in sys.argv[1:]]))
