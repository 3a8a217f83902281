"""The Revised Arusha Declaration self-assessment: cycles, answers, review, results, risk map."""
