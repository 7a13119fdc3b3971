"""Evidence standards: attrition, clustering correction, improvement index, baseline
equivalence, balance of partner and control schools, matching of comparison schools, and a
rating per finding modelled on the What Works Clearinghouse."""

from evaluation.evidence.attrition_boundary import (
    Attrition,
    attrition,
    attrition_verdict,
    combined_verdict,
    load_boundary,
    max_differential,
)
from evaluation.evidence.balance import (
    JointTest,
    absent_characteristics,
    balance_table,
    baseline_characteristics,
    joint_orthogonality_test,
    normalised_difference,
)
from evaluation.evidence.baseline import ADJUSTMENT_REQUIRED, NOT_SATISFIED, SATISFIED, baseline_verdict
from evaluation.evidence.matching import Matching, balance_before_after, match_schools, school_profiles
from evaluation.evidence.rating import EVIDENCE_COLUMNS, evidence_row, wwc_rating
from evaluation.evidence.significance import (
    ClusterCorrection,
    cluster_correction,
    default_icc,
    improvement_index,
    is_significant,
    is_substantively_important,
    t_from_g,
)

__all__ = [
    "ADJUSTMENT_REQUIRED", "EVIDENCE_COLUMNS", "NOT_SATISFIED", "SATISFIED", "Attrition", "ClusterCorrection",
    "JointTest", "Matching", "absent_characteristics", "attrition",
    "attrition_verdict", "balance_before_after", "balance_table", "baseline_characteristics", "baseline_verdict",
    "cluster_correction", "combined_verdict", "default_icc", "evidence_row", "improvement_index",
    "is_significant", "is_substantively_important", "joint_orthogonality_test", "load_boundary",
    "match_schools", "max_differential", "normalised_difference",
    "school_profiles", "t_from_g", "wwc_rating",
]  # fmt: skip
