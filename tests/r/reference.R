# Reference values for tests/stats/test_stats_r.py, computed by R on public datasets.
# Run from the repository root:  Rscript tests/r/reference.R
# Writes the datasets under tests/r/data/ and every constant into tests/r/reference.json, with
# R.version.string and the version of each package used. The test suite reads the JSON only.
suppressPackageStartupMessages({
  library(jsonlite); library(sandwich); library(lmtest); library(clubSandwich)
  library(lme4); library(psych); library(nlme)
})
out <- list()
data_dir <- "tests/r/data"
dir.create(data_dir, showWarnings = FALSE, recursive = TRUE)
write_data <- function(frame, name) write.csv(frame, file.path(data_dir, name), row.names = FALSE)
htest <- function(h) list(estimate = unname(h$estimate), statistic = unname(h$statistic),
                          df = unname(h$parameter), ci_low = h$conf.int[1], ci_high = h$conf.int[2],
                          p_value = h$p.value)

# --- sleep (datasets): paired t and Wilcoxon signed-rank -----------------------------------
sleep_wide <- data.frame(ID = sleep$ID[sleep$group == 1],
                         drug1 = sleep$extra[sleep$group == 1], drug2 = sleep$extra[sleep$group == 2])
write_data(sleep_wide, "sleep.csv")
out$paired_t <- htest(t.test(sleep_wide$drug2, sleep_wide$drug1, paired = TRUE))
# R: wilcox.test(drug2, drug1, paired = TRUE, exact = FALSE, correct = TRUE)
# (zeros dropped, average ranks for ties, tie-corrected variance, continuity correction 0.5)
w <- suppressWarnings(wilcox.test(sleep_wide$drug2, sleep_wide$drug1, paired = TRUE,
                                  exact = FALSE, correct = TRUE))
# (its estimate, the (pseudo)median of conf.int = TRUE, is compared in rank_tests.R)
d <- sleep_wide$drug2 - sleep_wide$drug1
out$wilcoxon <- list(statistic = unname(w$statistic), p_value = w$p.value, n_nonzero = sum(d != 0))
# the same test without the continuity correction
w2 <- wilcox.test(sleep_wide$drug2, sleep_wide$drug1, paired = TRUE, exact = FALSE, correct = FALSE)
out$wilcoxon_uncorrected <- list(statistic = unname(w2$statistic), p_value = w2$p.value)

# --- ToothGrowth (datasets): Welch t and Hedges' g of two independent samples --------------
write_data(ToothGrowth, "toothgrowth.csv")
oj <- ToothGrowth$len[ToothGrowth$supp == "OJ"]; vc <- ToothGrowth$len[ToothGrowth$supp == "VC"]
welch <- t.test(oj, vc, var.equal = FALSE)
out$welch_t <- htest(welch)
out$welch_t$estimate <- mean(oj) - mean(vc)
out$welch_t$std_error <- unname(welch$stderr)
# Hedges' g, written out (WWC handbook v5.0 appendix E; Borenstein et al. 2009 eq. 4.18-4.24)
n1 <- length(oj); n2 <- length(vc)
sp <- sqrt(((n1 - 1) * var(oj) + (n2 - 1) * var(vc)) / (n1 + n2 - 2))
J <- 1 - 3 / (4 * (n1 + n2) - 9)
g <- J * (mean(oj) - mean(vc)) / sp
se_g <- J * sqrt((n1 + n2) / (n1 * n2) + (g / J)^2 / (2 * (n1 + n2)))
out$hedges_g <- list(g = g, ci_low = g - qnorm(0.975) * se_g, ci_high = g + qnorm(0.975) * se_g,
                     pooled_sd = sp)

# --- MathAchieve (nlme): 30 schools, 15 Catholic and 15 public --------------------------------
schools <- as.data.frame(MathAchSchool)
catholic <- head(sort(as.character(schools$School[schools$Sector == "Catholic"])), 15)
public <- head(sort(as.character(schools$School[schools$Sector == "Public"])), 15)
keep <- c(catholic, public)
ma <- as.data.frame(MathAchieve)
ma <- ma[as.character(ma$School) %in% keep, c("School", "Sex", "SES", "MathAch")]
ma$School <- as.character(ma$School)
ma$catholic <- as.integer(ma$School %in% catholic)
ma$female <- as.integer(ma$Sex == "Female")
ma$Sex <- NULL
rownames(ma) <- NULL
write_data(ma, "mathachieve30.csv")
G <- length(unique(ma$School))

coef_row <- function(est, se, df, ci, p) list(estimate = est, std_error = se, df = df,
                                                ci_low = ci[1], ci_high = ci[2], p_value = p)
cr1 <- function(fit, cluster, term) {
  V <- vcovCL(fit, cluster = cluster, type = "HC1")
  ct <- coeftest(fit, vcov = V, df = G - 1)
  ci <- coefci(fit, vcov = V, df = G - 1)
  coef_row(ct[term, 1], ct[term, 2], G - 1, ci[term, ], ct[term, 4])
}
cr2 <- function(fit, cluster, term) {
  ct <- coef_test(fit, vcov = "CR2", cluster = cluster, test = "Satterthwaite")
  ci <- conf_int(fit, vcov = "CR2", cluster = cluster, test = "Satterthwaite")
  i <- which(ct$Coef == term)
  coef_row(ct$beta[i], ct$SE[i], ct$df_Satt[i], c(ci$CI_L[i], ci$CI_U[i]), ct$p_Satt[i])
}
# ANCOVA: MathAch on Catholic with SES as the pre-test and female as a plan covariate
fit <- lm(MathAch ~ catholic + SES + female, data = ma)
out$ancova_cr1 <- cr1(fit, ~School, "catholic")
out$ancova_cr2 <- cr2(fit, ma$School, "catholic")
fit0 <- lm(MathAch ~ catholic + SES, data = ma)
out$ancova_cr1_nocov <- cr1(fit0, ~School, "catholic")
out$ancova_cr2_nocov <- cr2(fit0, ma$School, "catholic")
# difference in differences: Catholic x female standing for group x wave (not linked)
fit_did <- lm(MathAch ~ catholic * female, data = ma)
out$did_cr2 <- cr2(fit_did, ma$School, "catholic:female")
# baseline equivalence: Hedges' g of SES (the pre-test) Catholic minus public
ses1 <- ma$SES[ma$catholic == 1]; ses0 <- ma$SES[ma$catholic == 0]
n1 <- length(ses1); n0 <- length(ses0)
sp <- sqrt(((n1 - 1) * var(ses1) + (n0 - 1) * var(ses0)) / (n1 + n0 - 2))
out$baseline_g <- (1 - 3 / (4 * (n1 + n0) - 9)) * (mean(ses1) - mean(ses0)) / sp

# random intercept by REML, tight optimiser tolerance so the constants hold to 1e-8
tight <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5))
mixed <- function(fit, term) {
  vc <- as.data.frame(VarCorr(fit))
  tau2 <- vc$vcov[vc$grp != "Residual"]; sigma2 <- vc$vcov[vc$grp == "Residual"]
  list(estimate = unname(fixef(fit)[term]), std_error = unname(sqrt(diag(vcov(fit)))[names(fixef(fit)) == term]),
       intercept = unname(fixef(fit)[1]), tau2 = tau2, sigma2 = sigma2, icc = tau2 / (tau2 + sigma2),
       reml_criterion = unname(REMLcrit(fit)))
}
out$mixed_reml <- mixed(lmer(MathAch ~ catholic + SES + (1 | School), data = ma, REML = TRUE,
                             control = tight), "catholic")

# --- sleepstudy (lme4): clustered OLS and random intercept, cluster = Subject -------------------
ss <- as.data.frame(sleepstudy); ss$Subject <- as.character(ss$Subject)
write_data(ss, "sleepstudy.csv")
G <- length(unique(ss$Subject))
fit_ss <- lm(Reaction ~ Days, data = ss)
out$sleepstudy_cr1 <- cr1(fit_ss, ~Subject, "Days")
out$sleepstudy_cr2 <- cr2(fit_ss, ss$Subject, "Days")
out$sleepstudy_mixed <- mixed(lmer(Reaction ~ Days + (1 | Subject), data = ss, REML = TRUE,
                                   control = tight), "Days")

# --- Benjamini-Hochberg ----------------------------------------------------------------------
p <- c(0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.5, 0.9, 0.041)
out$bh <- list(p = p, p_adjusted = p.adjust(p, method = "BH"))

# --- psych::alpha: bfi agreeableness A1-A5 (A1 reverse keyed), complete cases ---------------
bfi_a <- bfi[complete.cases(bfi[, 1:5]), 1:5]; rownames(bfi_a) <- NULL
write_data(bfi_a, "bfi_agreeableness.csv")
a <- alpha(bfi_a, keys = c(-1, 1, 1, 1, 1))
out$alpha_bfi <- list(alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha, ase = a$total$ase,
                      feldt_low = as.numeric(a$feldt$lower.ci), feldt_high = as.numeric(a$feldt$upper.ci),
                      duhachek_low = a$total$raw_alpha - 1.96 * a$total$ase,
                      duhachek_high = a$total$raw_alpha + 1.96 * a$total$ase,
                      n = nrow(bfi_a), r_drop = unname(a$item.stats$r.drop),
                      alpha_if_dropped = unname(a$alpha.drop$raw_alpha),
                      mean = a$total$mean, sd = a$total$sd)
# dichotomous items: LSAT section 6 (psych::lsat6, Bock & Lieberman 1970)
lsat <- as.data.frame(lsat6)
write_data(lsat, "lsat6.csv")
a2 <- alpha(lsat)
out$alpha_lsat6 <- list(alpha = a2$total$raw_alpha, feldt_low = as.numeric(a2$feldt$lower.ci),
                        feldt_high = as.numeric(a2$feldt$upper.ci), r_drop = unname(a2$item.stats$r.drop),
                        difficulty = unname(colMeans(lsat)))

out$versions <- list(R = R.version.string,
                     packages = lapply(setNames(nm = c("stats", "sandwich", "lmtest", "clubSandwich", "lme4",
                                                      "psych", "nlme", "jsonlite")),
                                       function(p) as.character(packageVersion(p))))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/r/reference.json")
cat("wrote tests/r/reference.json\n")
