# Reference values for tests/analysis/test_covariates.py: the partner-versus-control models with the
# plan's covariates (categorical ones as treatment contrasts, numeric ones as they are), computed by
# R on a synthetic programme of 24 schools.
# Run from the repository root:  Rscript tests/r/covariates.R
# Writes tests/r/data/covariates.csv and tests/r/covariates.json (with R and package versions).
suppressPackageStartupMessages({
  library(jsonlite); library(sandwich); library(lmtest); library(clubSandwich); library(lme4)
})
set.seed(20261201)
G <- 24
school <- data.frame(school_id = sprintf("S%02d", 1:G), treatment = rep(c(1, 0), each = G / 2),
                     school_type = sample(c("anatolian", "science", "vocational"), G, replace = TRUE),
                     n = sample(12:30, G, replace = TRUE), u = rnorm(G, 0, 3))
rows <- school[rep(seq_len(G), school$n), ]
N <- nrow(rows)
# partner schools have more girls (an imbalance the covariate adjusts for)
sex <- ifelse(runif(N) < ifelse(rows$treatment == 1, 0.7, 0.4), "F", "M")
grade <- sample(9:11, N, replace = TRUE)
special_needs <- runif(N) < 0.1
pre <- 50 + rows$u + 3 * (sex == "F") + 2 * (grade - 10) + rnorm(N, 0, 10)
post <- 5 + 0.8 * pre + 3 * rows$treatment + 2 * (sex == "F") - 4 * special_needs +
  0.1 * rows$n + rows$u / 2 + rnorm(N, 0, 6)
d <- data.frame(unit_id = sprintf("P%04d", seq_len(N)), school_id = rows$school_id, treatment = rows$treatment,
                school_type = rows$school_type, school_size = rows$n, sex = sex, grade = grade,
                special_needs = special_needs, pre = round(pre, 2), post = round(post, 2))
d$post[sample(N, 25)] <- NA  # post-tests missed: the difference in differences still uses their pre-tests
d$sex[sample(N, 6)] <- NA    # sex unknown: those students leave every model with the covariate
dir.create("tests/r/data", showWarnings = FALSE, recursive = TRUE)
write.csv(d, "tests/r/data/covariates.csv", row.names = FALSE, na = "")

covs <- "sex + factor(grade) + school_type + school_size + special_needs"
cc <- d[complete.cases(d[, c("pre", "post", "sex")]), ]
G_cc <- length(unique(cc$school_id))
# R: fit <- lm(post ~ treatment + pre + sex + factor(grade) + school_type + school_size + special_needs, cc)
fit <- lm(as.formula(paste("post ~ treatment + pre +", covs)), data = cc)
# R: coeftest(fit, vcov = vcovCL(fit, cluster = ~school_id, type = "HC1"), df = G - 1)
cr1 <- coeftest(fit, vcov = vcovCL(fit, cluster = ~school_id, type = "HC1"), df = G_cc - 1)
# R: coef_test(fit, vcov = "CR2", cluster = cc$school_id, test = "Satterthwaite")
cr2 <- coef_test(fit, vcov = "CR2", cluster = cc$school_id, test = "Satterthwaite")
row <- which(cr2$Coef == "treatment")
out <- list(
  n = nrow(cc),
  ancova_cr1 = list(estimate = cr1["treatment", "Estimate"], std_error = cr1["treatment", "Std. Error"],
                    df = G_cc - 1, p_value = cr1["treatment", "Pr(>|t|)"]),
  ancova_cr2 = list(estimate = cr2$beta[row], std_error = cr2$SE[row], df = cr2$df_Satt[row],
                    p_value = cr2$p_Satt[row])
)
# R: lmer(post ~ treatment + pre + <covariates> + (1 | school_id), REML = TRUE)
m <- lmer(as.formula(paste("post ~ treatment + pre +", covs, "+ (1 | school_id)")), data = cc, REML = TRUE,
          control = lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12)))
out$mixed_reml <- list(estimate = unname(fixef(m)["treatment"]),
                       std_error = unname(sqrt(diag(vcov(m)))[which(names(fixef(m)) == "treatment")]))
# difference in differences: every observed score, with the covariates
long <- rbind(data.frame(d[, c("school_id", "treatment", "sex", "grade", "school_type", "school_size",
                               "special_needs")], post_wave = 0, value = d$pre),
              data.frame(d[, c("school_id", "treatment", "sex", "grade", "school_type", "school_size",
                               "special_needs")], post_wave = 1, value = d$post))
long <- long[complete.cases(long), ]
# R: coef_test(lm(value ~ treatment * post_wave + <covariates>, long), vcov = "CR2", test = "Satterthwaite")
fit_did <- lm(as.formula(paste("value ~ treatment * post_wave +", covs)), data = long)
did <- coef_test(fit_did, vcov = "CR2", cluster = long$school_id, test = "Satterthwaite")
row <- which(did$Coef == "treatment:post_wave")
out$did <- list(estimate = did$beta[row], std_error = did$SE[row], df = did$df_Satt[row], p_value = did$p_Satt[row],
                n_rows = nrow(long))
out$versions <- list(R = R.version.string, sandwich = as.character(packageVersion("sandwich")),
                     lmtest = as.character(packageVersion("lmtest")),
                     clubSandwich = as.character(packageVersion("clubSandwich")),
                     lme4 = as.character(packageVersion("lme4")),
                     jsonlite = as.character(packageVersion("jsonlite")))
write_json(out, "tests/r/covariates.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
cat("wrote tests/r/covariates.json\n")
