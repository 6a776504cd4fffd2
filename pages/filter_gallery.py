import streamlit as st

st.title("Filter Gallery")
st.info("Coming soon.")
