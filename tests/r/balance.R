# Reference values for tests/evidence/test_balance.py: the balance table's cluster-robust tests
# and the joint F-test of orthogonality, computed by R on a synthetic dataset of 30 schools.
# Run from the repository root:  Rscript tests/r/balance.R
# Writes tests/r/data/balance.csv and tests/r/balance.json (with R and package versions).
suppressPackageStartupMessages({
  library(jsonlite); library(sandwich); library(lmtest); library(clubSandwich)
})
set.seed(20231)
G <- 30
school <- data.frame(school_id = sprintf("S%02d", 1:G), treatment = rep(c(1, 0), each = G / 2))
school$type <- sample(c("A", "B", "C"), G, replace = TRUE)
school$resource_high <- rbinom(G, 1, 0.4)
school$n <- sample(10:30, G, replace = TRUE)
school$effect <- rnorm(G, 0, 4)
rows <- school[rep(seq_len(G), school$n), ]
N <- nrow(rows)
d <- data.frame(
  school_id = rows$school_id, treatment = rows$treatment,
  type_b = as.integer(rows$type == "B"), type_c = as.integer(rows$type == "C"),
  school_size = rows$n, resource_high = rows$resource_high,
  female = rbinom(N, 1, 0.5), grade = sample(9:12, N, replace = TRUE),
  special_needs = rbinom(N, 1, 0.08), migrant_refugee = rbinom(N, 1, 0.12),
  # planted imbalance: partner schools start 4 points higher on the pre-test
  pre_mathematics = round(50 + 4 * rows$treatment + rows$effect + rnorm(N, 0, 10), 2)
)
dir.create("tests/r/data", showWarnings = FALSE, recursive = TRUE)
write.csv(d, "tests/r/data/balance.csv", row.names = FALSE)

out <- list()
# --- per characteristic: lm(x ~ treatment), CR1 (HC1, t on G - 1 df) and CR2 (Satterthwaite) ---
for (v in c("pre_mathematics", "female", "school_size")) {
  dd <- if (v == "school_size") d[!duplicated(d$school_id), ] else d  # school-level: one row per school
  fit <- lm(reformulate("treatment", v), data = dd)
  # R: coeftest(fit, vcov = vcovCL(fit, cluster = ~school_id, type = "HC1"), df = G - 1)
  cr1 <- coeftest(fit, vcov = vcovCL(fit, cluster = ~school_id, type = "HC1"),
                  df = length(unique(dd$school_id)) - 1)
  # R: coef_test(fit, vcov = "CR2", cluster = dd$school_id, test = "Satterthwaite")
  cr2 <- coef_test(fit, vcov = "CR2", cluster = dd$school_id, test = "Satterthwaite")
  out[[v]] <- list(mean_partner = mean(dd[[v]][dd$treatment == 1]),
                   mean_control = mean(dd[[v]][dd$treatment == 0]),
                   cr1_se = cr1["treatment", "Std. Error"], cr1_p = cr1["treatment", "Pr(>|t|)"],
                   cr2_se = cr2$SE[2], cr2_p = cr2$p_Satt[2])
}
# --- joint orthogonality: lm(treatment ~ all), Wald F with CR1 (Stata's vce(cluster)) ------------
chars <- c("type_b", "type_c", "school_size", "resource_high", "female", "grade", "special_needs",
           "migrant_refugee", "pre_mathematics")
joint <- function(frame) {
  fit <- lm(reformulate(chars, "treatment"), data = frame)
  # R: Wald_test(fit, constrain_zero(2:10), vcov = "CR1S", cluster = frame$school_id, test = "Naive-F")
  w <- Wald_test(fit, constraints = constrain_zero(2:(length(chars) + 1)), vcov = "CR1S",
                 cluster = frame$school_id, test = "Naive-F")
  # the same by hand with sandwich: F = b' V^-1 b / q on (q, G - 1)
  V <- vcovCL(fit, cluster = ~school_id, type = "HC1")[chars, chars]
  b <- coef(fit)[chars]
  f <- as.numeric(t(b) %*% solve(V, b)) / length(chars)
  list(F = w$Fstat, df_num = w$df_num, df_denom = w$df_denom, p_value = w$p_val,
       F_sandwich = f, p_sandwich = pf(f, length(chars), length(unique(frame$school_id)) - 1,
                                       lower.tail = FALSE), n = nrow(frame))
}
out$joint <- joint(d)
# without the planted imbalance: pre-test with the partner shift taken out
d0 <- d; d0$pre_mathematics <- d0$pre_mathematics - 4 * d0$treatment
out$joint_no_shift <- joint(d0)
out$versions <- list(R = R.version.string, sandwich = as.character(packageVersion("sandwich")),
                     lmtest = as.character(packageVersion("lmtest")),
                     clubSandwich = as.character(packageVersion("clubSandwich")),
                     jsonlite = as.character(packageVersion("jsonlite")))
write_json(out, "tests/r/balance.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
