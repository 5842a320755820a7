"""The four papers whose claims are checked: one citation each, used by every claim's ``reference``.

Keys are the paper prefixes of the claim ids in ``shared/claims.md``.
"""

PAPERS = {
    "xfd24": "xfd24 (Xu, Fazel, Du, NeurIPS 2024)",
    "alp25": "alp25 (Assylbekov, Legg, Pak), arXiv 2506.11850",
    "zxfd25": "zxfd25 (Zhou, Xu, Fazel, Du), arXiv 2506.06584",
    "wcf26": "wcf26 (Wang, Charisopoulos, Fazel), arXiv 2605.30936",
}
