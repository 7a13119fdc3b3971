# Reference values for tests/stats/test_unfit_r.py: what R gives for models the workbench fits
# only after leaving a column out (issue 12), on nlme's MathAchieve schools of reference.R.
# Run from the repository root:  Rscript tests/r/edge_cases.R
# Reads tests/r/data/mathachieve30.csv (written by reference.R), writes tests/r/data/edge_cases.csv
# and tests/r/edge_cases.json (with R and package versions).
#
# R's lm() finds aliased columns by a QR decomposition with tolerance 1e-7 and reports NA for
# their coefficients; sandwich::vcovCL and clubSandwich then work on the columns kept, and
# lme4::lmer drops them from a rank-deficient fixed-effects matrix ("dropping 1 column").
# The cases where R has no number (a group without a post-test) or a number from rounding noise
# (a constant characteristic: a standard error of about 1e-17) are stored to show just that.
suppressPackageStartupMessages({
  library(jsonlite); library(sandwich); library(lmtest); library(clubSandwich); library(lme4)
})
ma <- read.csv("tests/r/data/mathachieve30.csv", colClasses = c(School = "character"))
schools <- sort(unique(ma$School))
catholic_schools <- sort(unique(ma$School[ma$catholic == 1]))
G <- length(schools)
# the edge cases, as columns of the data
ma$pre_constant <- 10                              # a pre-test every student scored the same on
ma$k <- 1                                          # a constant plan covariate
ma$ses_female <- 2 * ma$SES - 3 * ma$female + 1    # a covariate the pre-test and female reproduce
ma$grade <- 10                                     # a constant baseline characteristic
ma$vocational <- as.integer(ma$School %in% catholic_schools[1:4])  # only partner schools have it
ma$partner_type <- ma$catholic                                      # a type every partner school has
write.csv(ma, "tests/r/data/edge_cases.csv", row.names = FALSE)

coef_row <- function(est, se, df, ci, p) list(estimate = est, std_error = se, df = df,
                                                ci_low = ci[1], ci_high = ci[2], p_value = p)
cr1 <- function(fit, data, term) {
  g <- length(unique(data$School))
  V <- vcovCL(fit, cluster = ~School, type = "HC1")
  ct <- coeftest(fit, vcov = V, df = g - 1)
  ci <- coefci(fit, vcov = V, df = g - 1)
  coef_row(ct[term, 1], ct[term, 2], g - 1, ci[term, ], ct[term, 4])
}
cr2 <- function(fit, data, term) {
  ct <- coef_test(fit, vcov = "CR2", cluster = data$School, test = "Satterthwaite")
  ci <- conf_int(fit, vcov = "CR2", cluster = data$School, test = "Satterthwaite")
  i <- which(ct$Coef == term)
  coef_row(ct$beta[i], ct$SE[i], ct$df_Satt[i], c(ci$CI_L[i], ci$CI_U[i]), ct$p_Satt[i])
}
aliased <- function(fit) names(coef(fit))[is.na(coef(fit))]
tight <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5))
mixed <- function(formula) {
  fit <- suppressMessages(lmer(formula, data = ma, REML = TRUE, control = tight))
  vc <- as.data.frame(VarCorr(fit))
  list(estimate = unname(fixef(fit)["catholic"]),
       std_error = unname(sqrt(diag(vcov(fit)))[names(fixef(fit)) == "catholic"]),
       tau2 = vc$vcov[vc$grp != "Residual"], sigma2 = vc$vcov[vc$grp == "Residual"],
       reml_criterion = unname(REMLcrit(fit)), kept = names(fixef(fit)))
}
out <- list()

# --- a constant pre-test: lm(MathAch ~ catholic + pre_constant), pre_constant aliased (NA) --------
fit <- lm(MathAch ~ catholic + pre_constant, data = ma)
out$constant_pre <- list(aliased = aliased(fit), cr1 = cr1(fit, ma, "catholic"), cr2 = cr2(fit, ma, "catholic"),
                         mixed = mixed(MathAch ~ catholic + pre_constant + (1 | School)))
# --- a constant and a collinear plan covariate beside the pre-test and female ------------------
fit <- lm(MathAch ~ catholic + SES + female + k + ses_female, data = ma)
out$constant_and_collinear_covariates <- list(
  aliased = aliased(fit), cr1 = cr1(fit, ma, "catholic"), cr2 = cr2(fit, ma, "catholic"),
  mixed = mixed(MathAch ~ catholic + SES + female + k + ses_female + (1 | School)))
# --- difference in differences when the pre wave is constant: pre = pre_constant, post = MathAch --
long <- rbind(data.frame(School = ma$School, catholic = ma$catholic, post = 0, value = ma$pre_constant),
              data.frame(School = ma$School, catholic = ma$catholic, post = 1, value = ma$MathAch))
fit <- lm(value ~ catholic * post, data = long)
out$did_constant_pre <- cr2(fit, long, "catholic:post")

# --- balance: a school characteristic only partner schools have (over schools: one row each) -----
sch <- ma[!duplicated(ma$School), ]
fit <- lm(vocational ~ catholic, data = sch)
out$balance_vocational <- list(cr1 = cr1(fit, sch, "catholic"), cr2 = cr2(fit, sch, "catholic"))
# a constant characteristic: R's standard error is rounding noise of a zero
fit <- lm(grade ~ catholic, data = ma)
out$balance_constant <- list(cr1 = cr1(fit, ma, "catholic"), scale = max(abs(ma$grade)))
# the joint test with the separating characteristic, and without it (what the workbench reports)
joint <- function(chars) {
  fit <- lm(reformulate(chars, "catholic"), data = ma)
  # R: Wald_test(fit, constrain_zero(2:(q + 1)), vcov = "CR1S", test = "Naive-F")
  w <- Wald_test(fit, constraints = constrain_zero(2:(length(chars) + 1)), vcov = "CR1S",
                 cluster = ma$School, test = "Naive-F")
  list(F = w$Fstat, df_num = w$df_num, df_denom = w$df_denom, p_value = w$p_val, n = nrow(ma))
}
out$joint_with_vocational <- joint(c("female", "SES", "vocational"))
# a type that all partner schools and no control school have: the fit is exact, the residuals and
# the CR1 covariance rounding noise, and F astronomical (the 9.2e28 of issue 12)
out$joint_with_partner_type <- joint(c("female", "SES", "partner_type"))
out$joint_without_vocational <- joint(c("female", "SES"))

out$versions <- list(R = R.version.string, sandwich = as.character(packageVersion("sandwich")),
                     lmtest = as.character(packageVersion("lmtest")),
                     clubSandwich = as.character(packageVersion("clubSandwich")),
                     lme4 = as.character(packageVersion("lme4")),
                     jsonlite = as.character(packageVersion("jsonlite")))
write_json(out, "tests/r/edge_cases.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
