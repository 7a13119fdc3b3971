# Reference values for tests/stats/test_rank_tests_r.py: R's Wilcoxon signed-rank test of paired
# changes, wilcox.test(post, pre, paired = TRUE, conf.int = TRUE) at its defaults (exact p-value
# when n < 50 and there are neither ties nor zeros, else the normal approximation with continuity
# correction; the (pseudo)median of the non-zero changes).
# Run from the repository root:  Rscript tests/r/rank_tests.R   (about 6 minutes: R's uniroot on
# 10^6 pairs re-ranks them at every step)
# Writes tests/r/data/rank_tests.csv (the small samples) and tests/r/rank_tests.json (every
# number, R.version.string and jsonlite's version). The large samples are not stored: both sides
# build them from the integer formulas below, which are exact in floating point.
suppressPackageStartupMessages(library(jsonlite))
set.seed(20261130)
data_dir <- "tests/r/data"
dir.create(data_dir, showWarnings = FALSE, recursive = TRUE)

untied <- function(d) all(d != 0) && !anyDuplicated(abs(d))
samples <- list()
add <- function(name, pre, post) samples[[name]] <<- data.frame(case = name, pre = pre, post = post)

# three changes, all positive: exact p = 2/8 = 0.25, the normal approximation says 0.181
add("three_up", c(10, 20, 30), c(11, 22, 33))
# one pair: p = 1, the estimate is the change
add("one_pair", 40, 40.7)
# exact: continuous changes without ties or zeros, n = 10 and n = 49 (the largest exact n)
for (n in c(10, 49)) {
  pre <- round(rnorm(n, 50, 10), 1)
  change <- round(rnorm(n, 2, 4), 3)
  stopifnot(untied(change))
  add(paste0("exact_n", n), pre, pre + change)
}
# exact with mostly negative changes (the lower tail)
pre <- round(rnorm(15, 60, 8), 1); change <- round(rnorm(15, -3, 3), 3); stopifnot(untied(change))
add("exact_negative_n15", pre, pre + change)
# n = 50 without ties or zeros: the normal approximation, the estimate by uniroot
pre <- round(rnorm(50, 50, 10), 1); change <- round(rnorm(50, 1, 4), 3); stopifnot(untied(change))
add("normal_n50", pre, pre + change)
pre <- round(rnorm(300, 50, 10), 1); change <- round(rnorm(300, 0.4, 4), 4)
add("normal_n300", pre, pre + change)
# ties but no zeros (integer changes), n = 20
pre <- sample(40:60, 20, replace = TRUE); change <- sample(c(-3:-1, 1:6), 20, replace = TRUE)
add("ties_n20", pre, pre + change)
# zeros but no ties among the other changes: the zeros alone rule out the exact p-value
pre <- round(rnorm(12, 50, 10), 1); change <- c(round(rnorm(10, 1.5, 3), 3), 0, 0)
stopifnot(untied(change[1:10]))
add("zeros_untied_n12", pre, pre + change)
# a tie between a gain and a loss of the same size (1.5 and -1.5) and nothing else
add("opposite_tie_n8", rep(20, 8), 20 + c(1.5, -1.5, 2.1, 3.2, 0.4, 4.4, 5.3, 2.7))
# exam-like integer scores: many ties and zeros, n = 200
pre <- sample(0:20, 200, replace = TRUE); change <- sample(-2:5, 200, replace = TRUE)
add("exam_n200", pre, pre + change)
# every non-zero change the same: R's estimate is the midrange, that change
add("all_equal", c(5, 6, 7, 8), c(7, 8, 9, 8))
# a sample where the statistic is exactly 0 on a stretch of shifts: R's estimate is where
# uniroot stops, far from the median of the Walsh averages (3)
add("plateau", rep(10, 10), 10 + c(-4, 6, 6, 6, 6, 2, -3, 0, 0, 0))
small <- do.call(rbind, samples)
rownames(small) <- NULL
write.csv(small, file.path(data_dir, "rank_tests.csv"), row.names = FALSE)

walsh_median <- function(d) {
  w <- outer(d, d, "+") / 2
  median(w[upper.tri(w, diag = TRUE)])
}
one <- function(pre, post, walsh = TRUE) {
  # R: wilcox.test(post, pre, paired = TRUE, conf.int = TRUE); warnings about ties and zeros
  # (R falls back to the normal approximation) are recorded, not shown
  warned <- character()
  w <- withCallingHandlers(
    wilcox.test(post, pre, paired = TRUE, conf.int = TRUE),
    warning = function(cond) { warned <<- c(warned, conditionMessage(cond)); invokeRestart("muffleWarning") })
  d <- post - pre
  result <- list(n_pairs = length(d), n_nonzero = sum(d != 0), method = w$method,
                 statistic = unname(w$statistic), p_value = w$p.value, estimate = unname(w$estimate),
                 warnings = I(unique(warned)))
  if (walsh) result$walsh_median_nonzero <- walsh_median(d[d != 0])
  result
}
out <- list(cases = list())
for (name in names(samples)) out$cases[[name]] <- one(samples[[name]]$pre, samples[[name]]$post)
# the normal approximation of three_up, for contrast: wilcox.test(post, pre, paired = TRUE, exact = FALSE)
out$three_up_normal_p <- wilcox.test(samples$three_up$post, samples$three_up$pre, paired = TRUE,
                                     exact = FALSE)$p.value
# sleep (datasets, wide as in reference.R): one zero change and tied changes
sleep_wide <- read.csv(file.path(data_dir, "sleep.csv"))
out$cases$sleep <- one(sleep_wide$drug1, sleep_wide$drug2)

# Large samples (not stored): changes from integer formulas, pre-test 0.
#   continuous: d_i = ((104729 i + 7 i^2) mod 1000003 - 500001) / 1000   (almost no ties)
#   tied:       d_i = ((7919 i) mod 2003 - 1000) / 10                    (2003 values, zeros)
large <- function(n, kind) {
  i <- as.numeric(seq_len(n))
  if (kind == "continuous") ((i * 104729 + i * i * 7) %% 1000003 - 500001) / 1000
  else ((i * 7919) %% 2003 - 1000) / 10
}
out$large <- list()
for (n in c(1e5, 1e6)) for (kind in c("continuous", "tied")) {
  d <- large(n, kind)
  seconds <- system.time(result <- one(numeric(length(d)), d, walsh = FALSE))[["elapsed"]]  # no n^2/2 averages
  result$n <- n; result$kind <- kind; result$r_seconds <- seconds
  out$large[[sprintf("%s_%d", kind, as.integer(n))]] <- result
}

out$versions <- list(R = R.version.string, packages = list(jsonlite = as.character(packageVersion("jsonlite"))))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/r/rank_tests.json")
cat("wrote tests/r/rank_tests.json and tests/r/data/rank_tests.csv\n")
