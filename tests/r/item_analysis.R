# Reference values for the item analysis of tests scored item by item
# (evaluation/analysis/item_analysis.py; tests/analysis/test_item_analysis.py).
# Run as (from the repository root): Rscript tests/r/item_analysis.R
# Reads tests/r/data/lsat6.csv (psych::lsat6, right/wrong items) and bfi_agreeableness.csv
# (psych::bfi A2-A5, items scored 1-6, taken as points with full marks 6), both written by
# reference.R, and writes tests/r/item_analysis.json.
suppressMessages({library(psych); library(jsonlite)})
lsat <- read.csv("tests/r/data/lsat6.csv")
a <- psych::alpha(lsat)
# raw.r: item with the total of all items; r.drop: item with the total of the other items
out <- list(
  lsat6 = list(
    kr20 = a$total$raw_alpha,                       # psych::alpha(lsat6)$total$raw_alpha
    difficulty = unname(colMeans(lsat)),            # proportion right
    point_biserial = unname(a$item.stats$raw.r),    # psych::alpha(lsat6)$item.stats$raw.r
    corrected = unname(a$item.stats$r.drop),        # psych::alpha(lsat6)$item.stats$r.drop
    mean_total = mean(rowSums(lsat)), sd_total = sd(rowSums(lsat))
  )
)
bfi <- read.csv("tests/r/data/bfi_agreeableness.csv")[, c("A2", "A3", "A4", "A5")]
b <- psych::alpha(bfi)
out$bfi_points <- list(
  alpha = b$total$raw_alpha,
  difficulty = unname(colMeans(bfi) / 6),
  point_biserial = unname(b$item.stats$raw.r),
  corrected = unname(b$item.stats$r.drop),
  mean_total = mean(rowSums(bfi)), sd_total = sd(rowSums(bfi))
)
out$versions <- list(R = R.version.string, psych = as.character(packageVersion("psych")),
                     jsonlite = as.character(packageVersion("jsonlite")))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/r/item_analysis.json")
cat("wrote tests/r/item_analysis.json\n")
