"""Reviews: verified-purchase reviews of order lines, store replies, admin hiding, exact summaries."""
