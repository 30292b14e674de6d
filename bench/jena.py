"""Apache Jena's SHACL engine (Debian's libapache-jena-java), the peer of ``kg validate`` in the bench."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path


def jena_classpath(out: Path) -> str | None:
    """The class path for Debian's Jena (libapache-jena-java), or None when it is not installed.

    Every unversioned jar of /usr/share/java but the slf4j bridges that clash, and a folder holding
    the .properties files of Jena's shaded Xerces where its relocated classes look for them
    (xerces/…): the package leaves them under org/apache/jena/ext/xerces/, and Xerces then fails
    with "internal error" on its first datatype.
    """
    java_dir = Path("/usr/share/java")
    core = java_dir / "jena-core.jar"
    if not (java_dir / "jena-cmds.jar").exists() or not core.exists() or not shutil.which("java"):
        return None
    props = out / "jena" / "classes"
    if not (props / "xerces").exists():
        with zipfile.ZipFile(core) as jar:
            for name in jar.namelist():
                prefix = "org/apache/jena/ext/xerces/"
                if name.startswith(prefix) and name.endswith(".properties"):
                    target = props / "xerces" / name[len(prefix) :]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
    clash = ("log4j-over-slf4j", "slf4j-log4j12", "slf4j-jdk14", "slf4j-simple", "slf4j-nop", "jcl-over")
    # The unversioned names (links to the versioned jars), once each, without the clashing bridges.
    jars = [str(j) for j in sorted(java_dir.glob("*.jar")) if not any(c in j.name for c in clash)]
    jars = [j for j in jars if not _versioned(Path(j).name)]
    return ":".join([str(props), *jars])


def jena_heap_mib() -> int:
    """Jena's heap: three quarters of the machine's memory.

    Jena holds the whole data graph; the JVM's default heap (a quarter of the
    memory) runs out at 100k measures, and a peer that fails for want of a
    flag a user would give is no comparison. The peak is measured all the same.
    """
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return int(total * 3 / 4) >> 20


def _versioned(name: str) -> bool:
    return re.search(r"-[0-9][0-9.]*[0-9](\.Final)?\.jar$", name) is not None


def jena_counts(log: Path) -> dict[str, int]:
    """Results per severity in Jena's report (Turtle on stdout, in the run's log)."""
    text = log.read_text(encoding="utf-8", errors="replace")
    found = re.findall(r"sh:resultSeverity\s+sh:(Violation|Warning|Info)", text)
    return {s.lower(): found.count(s) for s in ("Violation", "Warning", "Info")}
