"""Which BLAS a PyTorch process really loaded: shared by the bench/*_torch.py scripts."""
import os


def loaded_blas():
    """Real paths of the BLAS / LAPACK libraries mapped into this process."""
    paths = set()
    with open('/proc/self/maps') as maps:
        for line in maps:
            fields = line.split()
            if len(fields) >= 6 and ('blas' in fields[5] or 'lapack' in fields[5]):
                paths.add(os.path.realpath(fields[5]))
    return sorted(paths)


def blas_kind(paths):
    if any('openblas' in p for p in paths):
        return 'OpenBLAS'
    if any('/blas/' in p or p.endswith('libblas.so.3.11.0') for p in paths):
        return 'reference BLAS'
    return 'unknown'
