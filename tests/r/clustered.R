# Reference values for tests/stats/test_clustered_r.py: the pre/post change clustered on the
# school (CR2, Satterthwaite) and the partner x subgroup moderator tests (CR2 t-test of one
# interaction, CR2 Wald test with the HTZ small-sample correction of several), on public datasets.
# Run from the repository root:  Rscript tests/r/clustered.R
# Writes the datasets under tests/r/data/ and every constant into tests/r/clustered.json, with
# R.version.string and the version of each package used. The test suite reads the JSON only.
suppressPackageStartupMessages({
  library(jsonlite); library(clubSandwich); library(nlme)
})
out <- list()
data_dir <- "tests/r/data"
dir.create(data_dir, showWarnings = FALSE, recursive = TRUE)
write_data <- function(frame, name) write.csv(frame, file.path(data_dir, name), row.names = FALSE)

# --- the paired change clustered on the cluster: coef_test(lm(d ~ 1), "CR2", Satterthwaite) ----
# with the paired Hedges' g (J d, d = mean change / s_within, s_within = sqrt((s_pre^2 + s_post^2)
# / 2), J = 1 - 3 / (4 (n - 1) - 1)) and its interval J / s_within times the clustered interval
paired_cr2 <- function(pre, post, cluster) {
  d <- post - pre
  fit <- lm(d ~ 1)
  ct <- coef_test(fit, vcov = "CR2", cluster = cluster, test = "Satterthwaite")
  ci <- conf_int(fit, vcov = "CR2", cluster = cluster, test = "Satterthwaite")
  n <- length(d)
  s_within <- sqrt((var(pre) + var(post)) / 2)
  J <- 1 - 3 / (4 * (n - 1) - 1)
  list(estimate = ct$beta[1], std_error = ct$SE[1], df = ct$df_Satt[1], ci_low = ci$CI_L[1],
       ci_high = ci$CI_U[1], p_value = ct$p_Satt[1], statistic = ct$tstat[1], n = n,
       n_clusters = length(unique(cluster)),
       effect_size = J * mean(d) / s_within, effect_size_ci_low = J * ci$CI_L[1] / s_within,
       effect_size_ci_high = J * ci$CI_U[1] / s_within)
}

# ChickWeight (datasets): weight of the chicks weighed on day 0 and on day 21 (45 of 50; the
# others died or were lost), clustered by Diet (4 diets of 16, 10, 10 and 9 chicks)
cw <- as.data.frame(ChickWeight)
chicks <- merge(setNames(cw[cw$Time == 0, c("Chick", "Diet", "weight")], c("Chick", "Diet", "day0")),
                setNames(cw[cw$Time == 21, c("Chick", "weight")], c("Chick", "day21")), by = "Chick")
chicks$Chick <- as.integer(as.character(chicks$Chick))
chicks$Diet <- as.integer(as.character(chicks$Diet))
chicks <- chicks[order(chicks$Chick), ]
rownames(chicks) <- NULL
write_data(chicks, "chickweight_day0_day21.csv")
out$paired_cr2_chickweight <- paired_cr2(chicks$day0, chicks$day21, chicks$Diet)

# Orthodont (nlme): distance at age 8 and 14 of 27 children, clustered by Sex: two clusters of 16
# and 11, the fewest a clustered standard error allows
od <- as.data.frame(Orthodont)
ortho <- merge(setNames(od[od$age == 8, c("Subject", "Sex", "distance")], c("Subject", "Sex", "age8")),
               setNames(od[od$age == 14, c("Subject", "distance")], c("Subject", "age14")), by = "Subject")
ortho$Subject <- as.character(ortho$Subject)
ortho$Sex <- as.character(ortho$Sex)
ortho <- ortho[order(ortho$Subject), ]
rownames(ortho) <- NULL
write_data(ortho, "orthodont_age8_age14.csv")
out$paired_cr2_orthodont <- paired_cr2(ortho$age8, ortho$age14, ortho$Sex)

# --- moderators: MathAchieve (nlme), the 30 schools of mathachieve30.csv (reference.R) ---------
# Catholic stands for partner, SES for the pre-test, MathAch for the post-test; moderators:
# female (two levels, student level), minority x sex (four levels, student level) and the
# school's size band (three levels, school level: Size under 600, 600-1199, 1200 and over)
schools <- as.data.frame(MathAchSchool)
catholic <- head(sort(as.character(schools$School[schools$Sector == "Catholic"])), 15)
public <- head(sort(as.character(schools$School[schools$Sector == "Public"])), 15)
keep <- c(catholic, public)
ma <- as.data.frame(MathAchieve)
ma <- ma[as.character(ma$School) %in% keep, c("School", "Minority", "Sex", "SES", "MathAch")]
ma$School <- as.character(ma$School)
ma$catholic <- as.integer(ma$School %in% catholic)
ma$female <- as.integer(ma$Sex == "Female")
ma$sex_minority <- paste0(tolower(as.character(ma$Sex)), "_", ifelse(ma$Minority == "Yes", "minority", "majority"))
size <- setNames(schools$Size, as.character(schools$School))[ma$School]
ma$size_band <- ifelse(size < 600, "a_small", ifelse(size < 1200, "b_medium", "c_large"))
ma <- ma[, c("School", "catholic", "SES", "MathAch", "female", "sex_minority", "size_band")]
rownames(ma) <- NULL
write_data(ma, "mathachieve30_moderators.csv")

cells <- function(moderator) {
  tab <- table(ma[[moderator]], ma$catholic)
  list(levels = rownames(tab), control = unname(tab[, "0"]), treatment = unname(tab[, "1"]))
}
interaction_t <- function(fit, term) {
  ct <- coef_test(fit, vcov = "CR2", cluster = ma$School, test = "Satterthwaite")
  ci <- conf_int(fit, vcov = "CR2", cluster = ma$School, test = "Satterthwaite")
  i <- which(ct$Coef == term)
  list(term = term, estimate = ct$beta[i], std_error = ct$SE[i], df = ct$df_Satt[i], ci_low = ci$CI_L[i],
       ci_high = ci$CI_U[i], p_value = ct$p_Satt[i], statistic = ct$tstat[i])
}
htz <- function(fit) {
  w <- Wald_test(fit, constraints = constrain_zero("^catholic:", reg_ex = TRUE), vcov = "CR2",
                 cluster = ma$School, test = c("HTZ", "Naive-F"))
  h <- w[w$test == "HTZ", ]
  naive <- w[w$test == "Naive-F", ]
  V <- vcovCR(fit, cluster = ma$School, type = "CR2")
  list(q = h$df_num, statistic = h$Fstat, df_num = h$df_num, df_denom = h$df_denom, delta = h$delta,
       p_value = h$p_val, wald_q = naive$Fstat * naive$df_num, coefficients = unname(coef(fit)),
       terms = names(coef(fit)), vcov = unname(as.matrix(V)))
}

# two levels: R: coef_test(lm(MathAch ~ catholic + SES + female + catholic:female), "CR2",
# School, "Satterthwaite"), the catholic:female row
fit_sex <- lm(MathAch ~ catholic + SES + female + catholic:female, data = ma)
out$moderation_sex <- c(interaction_t(fit_sex, "catholic:female"), list(cells = cells("female")))
# the same with a plan covariate (minority x sex cannot be a covariate of sex; size band is the
# school-level covariate here)
ma$size_band_f <- factor(ma$size_band)
fit_sex_cov <- lm(MathAch ~ catholic + SES + size_band_f + female + catholic:female, data = ma)
out$moderation_sex_covariate <- interaction_t(fit_sex_cov, "catholic:female")
# the two-level test as a Wald test: HTZ with one constraint is the Satterthwaite t-test squared
out$moderation_sex_htz <- htz(fit_sex)

# four levels, student level: R: Wald_test(lm(MathAch ~ catholic + SES + sex_minority +
# catholic:sex_minority), constrain_zero("^catholic:", reg_ex = TRUE), "CR2", School, "HTZ")
ma$sex_minority_f <- factor(ma$sex_minority)
fit_sm <- lm(MathAch ~ catholic + SES + sex_minority_f + catholic:sex_minority_f, data = ma)
out$moderation_sex_minority <- c(htz(fit_sm), list(cells = cells("sex_minority")))
# three levels, school level
fit_size <- lm(MathAch ~ catholic + SES + size_band_f + catholic:size_band_f, data = ma)
out$moderation_size_band <- c(htz(fit_size), list(cells = cells("size_band")))
# three levels with the student-level covariate female
fit_size_cov <- lm(MathAch ~ catholic + SES + female + size_band_f + catholic:size_band_f, data = ma)
out$moderation_size_band_covariate <- htz(fit_size_cov)

out$versions <- list(R = R.version.string,
                     packages = lapply(setNames(nm = c("stats", "clubSandwich", "nlme", "jsonlite")),
                                       function(p) as.character(packageVersion(p))))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/r/clustered.json")
cat("wrote tests/r/clustered.json\n")
